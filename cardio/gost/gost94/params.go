package gost94

// CryptoProParams is id-GostR3411-94-CryptoProParamSet (OID 1.2.643.2.2.30.1, RFC 4357
// section 11.2), the S-boxes used in practice: CryptoPro CSP, `openssl dgst -md_gost94`,
// `gostsum`, and GOST R 34.10-2001 keys whose digest parameters name this OID.
//
// It is shared: callers must not modify it.
var CryptoProParams = &Params{
	Name: "id-GostR3411-94-CryptoProParamSet",
	OID:  "1.2.643.2.2.30.1",
	SBox: SBox{
		{10, 4, 5, 6, 8, 1, 3, 7, 13, 12, 14, 0, 9, 2, 11, 15}, // pi1
		{5, 15, 4, 0, 2, 13, 11, 9, 1, 7, 6, 3, 12, 14, 10, 8}, // pi2
		{7, 15, 12, 14, 9, 4, 1, 0, 3, 11, 5, 2, 6, 10, 8, 13}, // pi3
		{4, 10, 7, 12, 0, 15, 2, 8, 14, 1, 6, 5, 13, 11, 9, 3}, // pi4
		{7, 6, 4, 11, 9, 12, 2, 10, 1, 8, 0, 14, 15, 13, 3, 5}, // pi5
		{7, 6, 2, 4, 13, 9, 15, 0, 10, 1, 5, 11, 8, 14, 12, 3}, // pi6
		{13, 14, 4, 1, 7, 0, 5, 10, 3, 12, 8, 15, 6, 2, 9, 11}, // pi7
		{1, 3, 10, 9, 5, 11, 4, 15, 8, 6, 7, 14, 13, 0, 2, 12}, // pi8
	},
}

// TestParams is id-GostR3411-94-TestParamSet (OID 1.2.643.2.2.30.0, RFC 4357 section
// 11.2), the S-boxes of the RFC 5831 section 7 examples and of `gostsum -t`. It is
// not meant for production use.
//
// It is shared: callers must not modify it.
var TestParams = &Params{
	Name: "id-GostR3411-94-TestParamSet",
	OID:  "1.2.643.2.2.30.0",
	SBox: SBox{
		{4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, 15, 5, 3}, // pi1
		{14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9}, // pi2
		{5, 8, 1, 13, 10, 3, 4, 2, 14, 15, 12, 7, 6, 0, 9, 11}, // pi3
		{7, 13, 10, 1, 0, 8, 9, 15, 14, 4, 6, 12, 11, 2, 5, 3}, // pi4
		{6, 12, 7, 1, 5, 15, 13, 8, 4, 10, 9, 14, 0, 3, 11, 2}, // pi5
		{4, 11, 10, 0, 7, 2, 1, 13, 3, 6, 8, 5, 9, 12, 15, 14}, // pi6
		{13, 11, 4, 1, 3, 15, 5, 9, 0, 10, 14, 7, 6, 8, 2, 12}, // pi7
		{1, 15, 13, 0, 5, 7, 10, 4, 9, 2, 3, 14, 6, 11, 8, 12}, // pi8
	},
}
