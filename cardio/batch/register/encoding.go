package register

// Guessing the encoding of a file that is not UTF-8. Russian registers that are not
// UTF-8 are almost always Windows-1251 (Excel's "CSV" on a Russian Windows), rarely
// KOI8-R. Both put the Cyrillic letters in 0xC0–0xFF, in different orders, so the
// guess scores the high bytes with Russian letter frequencies under each table.

// letterFreq is the frequency of each Russian letter in running text, in tenths of a
// percent, in alphabet order А…Я (Ё is counted with Е).
var letterFreq = [32]int{
	80, 16, 45, 17, 30, 85, 9, 16, 74, 12, 35, 44, 32, 67, 110, 28, // А–П
	47, 55, 63, 26, 3, 10, 5, 14, 7, 4, 0, 19, 17, 3, 6, 20, // Р–Я
}

// koi8Order maps a KOI8-R byte 0xC0+i (lower case; 0xE0+i is the same letter in upper
// case) to the letter's alphabet index: юабцдефгхийклмнопярстужвьызшэщчъ.
var koi8Order = [32]int{
	30, 0, 1, 22, 4, 5, 20, 3, 21, 8, 9, 10, 11, 12, 13, 14,
	15, 31, 16, 17, 18, 19, 6, 2, 28, 27, 7, 24, 29, 25, 23, 26,
}

// guessEncoding names the single-byte Cyrillic encoding data is most likely in, or
// EncodingUnknown when its high bytes do not look like Russian letters.
func guessEncoding(data []byte) string {
	high, letters := 0, 0
	cp1251, koi8 := 0, 0
	for _, c := range data {
		if c < 0x80 {
			continue
		}
		high++
		switch {
		case c >= 0xC0:
			letters++
			cp1251 += letterFreq[(c-0xC0)%32]
			koi8 += letterFreq[koi8Order[(c-0xC0)%32]]
		case c == 0xA8 || c == 0xB8: // Ё ё in Windows-1251
			letters++
			cp1251 += letterFreq[5]
		case c == 0xA3 || c == 0xB3: // ё Ё in KOI8-R
			letters++
			koi8 += letterFreq[5]
		case c == 0xB9: // № in Windows-1251
			letters++
		}
	}
	// Binary data has high bytes spread evenly; text in these encodings has almost
	// only letters there.
	if high == 0 || letters*10 < high*9 {
		return EncodingUnknown
	}
	if koi8 > cp1251 {
		return EncodingKOI8R
	}
	return EncodingCP1251
}
