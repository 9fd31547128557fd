package register

// A generator of synthetic registers: made-up Russian people with valid check digits,
// for tests, benchmarks and demonstrations. Nothing here is real personal data.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"

	"omsdesk/cardio/policy"
)

// GenerateNow is the issue date a generated register is valid on: pass it as
// Options.Now. (Ages decide the photo rules, so a register is only valid on one day.)
var GenerateNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// GeneratedPhotos is how many distinct photo files generated registers refer to
// (photos/000.jpg …); [GeneratePhotos] writes them.
const GeneratedPhotos = 256

var (
	genSurnames = []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
		"Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
		"Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров"}
	genMale       = []string{"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван", "Пётр", "Михаил", "Артём", "Юрий"}
	genFemale     = []string{"Елена", "Ольга", "Наталья", "Анна", "Мария", "Татьяна", "Алёна", "Ирина", "Юлия", "Дарья"}
	genFathers    = []string{"Александров", "Сергеев", "Дмитриев", "Андреев", "Алексеев", "Иванов", "Петров", "Михайлов", "Юрьев"}
	genPlaces     = []string{"г. Москва", "г. Санкт-Петербург", "г. Казань, Респ. Татарстан", "г. Тверь", "пос. Ёлкино", "г. Новосибирск"}
	genSexMale    = []string{"М", "M", "male", "1"}
	genSexFemale  = []string{"Ж", "F", "female", "2"}
	genCountries  = []string{"", "", "", "RUS", "rus", "KAZ", "BLR"}
	genInsurers   = []struct{ ogrn, okato string }{{genOGRN("102770000000"), "45000"}, {genOGRN("103780000000"), "40000"}, {genOGRN("104500000000"), "46000"}}
	genEarliestIn = policy.MakeDate(2011, 1, 1) // single policy numbers exist since 2011
)

// genOGRN completes a 12-digit OGRN body with its check digit.
func genOGRN(body string) string {
	var r uint64
	for _, c := range body {
		r = (r*10 + uint64(c-'0')) % 11
	}
	return body + string(rune('0'+r%10))
}

// Generate returns a register of n rows, the same for the same seed: a header in
// documentation order and rows that all pass [Parse] with Options.Now =
// [GenerateNow] and Options.Dir holding the files of [GeneratePhotos]. Values use
// every accepted spelling (both date formats, all sex forms, SNILS with and without
// separators, names in mixed case).
func Generate(n int, seed int64) []byte { return generate(n, seed, 90) }

// generate is Generate with holders born within the last maxAge years (the
// benchmark's file-free variant uses children under 14).
func generate(n int, seed int64, maxAge int) []byte {
	rng := rand.New(rand.NewSource(seed))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(Columns())
	today := policy.DateOf(GenerateNow)
	start := GenerateNow.AddDate(-maxAge, 0, 0).AddDate(0, 0, 1)
	span := int(GenerateNow.Sub(start).Hours() / 24)
	rec := make([]string, numColumns)
	for i := 0; i < n; i++ {
		for j := range rec {
			rec[j] = ""
		}
		birthT := start.AddDate(0, 0, rng.Intn(span))
		birth := policy.DateOf(birthT)
		age := ageOn(birth, today)
		male := rng.Intn(2) == 0

		body := fmt.Sprintf("%d%06d%08d", 1+rng.Intn(9), rng.Intn(1_000_000), i%100_000_000)
		cd, _ := policy.ENPCheckDigit(body)
		rec[colENP] = body + string(cd)

		surname := genSurnames[rng.Intn(len(genSurnames))]
		father := genFathers[rng.Intn(len(genFathers))]
		if male {
			rec[colFirstName] = genMale[rng.Intn(len(genMale))]
			rec[colPatronymic] = father + "ич"
			rec[colSex] = genSexMale[rng.Intn(len(genSexMale))]
		} else {
			surname += "а"
			rec[colFirstName] = genFemale[rng.Intn(len(genFemale))]
			rec[colPatronymic] = father + "на"
			rec[colSex] = genSexFemale[rng.Intn(len(genSexFemale))]
		}
		rec[colSurname] = surname
		if rng.Intn(10) == 0 {
			rec[colSurname] = strings.ToUpper(surname)
		}
		if rng.Intn(2) == 0 {
			rec[colBirthDate] = birth.Russian()
		} else {
			rec[colBirthDate] = birth.String()
		}
		if rng.Intn(10) < 7 {
			sb := fmt.Sprintf("%03d%06d", 100+rng.Intn(900), i%1_000_000)
			check, _ := policy.SNILSCheck(sb)
			if rng.Intn(2) == 0 {
				rec[colSNILS] = policy.FormatSNILS(sb + check)
			} else {
				rec[colSNILS] = sb + check
			}
		}
		if rng.Intn(2) == 0 {
			rec[colBirthPlace] = genPlaces[rng.Intn(len(genPlaces))]
		}
		rec[colCitizenship] = genCountries[rng.Intn(len(genCountries))]

		ins := genInsurers[rng.Intn(len(genInsurers))]
		rec[colInsurerOGRN], rec[colInsurerOKATO] = ins.ogrn, ins.okato
		from := birthT
		if birth.Before(genEarliestIn) {
			from = genEarliestIn.Time()
		}
		startDate := policy.DateOf(from.AddDate(0, 0, rng.Intn(int(GenerateNow.Sub(from).Hours()/24)+1)))
		if rng.Intn(2) == 0 {
			rec[colInsuranceStart] = startDate.Russian()
		} else {
			rec[colInsuranceStart] = startDate.String()
		}
		if age >= photoAge {
			rec[colPhoto] = fmt.Sprintf("photos/%03d.jpg", rng.Intn(GeneratedPhotos))
		}

		switch k := rng.Intn(100); {
		case age < 1:
			rec[colReason] = ReasonNewborn
		case k < 5:
			rec[colReason] = ReasonLost
		case k < 10:
			rec[colReason] = ReasonStolen
		case k < 13:
			rec[colReason] = ReasonDataChange
		case k < 17:
			rec[colReason] = ReasonInsurerChange
		case k < 50:
			rec[colReason] = ReasonNew
		}
		switch rec[colReason] {
		case ReasonLost, ReasonStolen, ReasonDataChange:
			rec[colOldCardSerial] = fmt.Sprintf("%010d", i)
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

// GeneratePhotos writes the photo files generated registers refer to (grey JPEGs of 120×160,
// photos/000.jpg … under dir).
func GeneratePhotos(dir string) error {
	photos := filepath.Join(dir, "photos")
	if err := os.MkdirAll(photos, 0o755); err != nil {
		return fmt.Errorf("writing generated photos: %w", err)
	}
	for i := 0; i < GeneratedPhotos; i++ {
		img := image.NewGray(image.Rect(0, 0, 120, 160)) // the smallest photo issuance accepts
		for p := range img.Pix {
			img.Pix[p] = uint8(i + p)
		}
		img.Set(0, 0, color.Gray{Y: uint8(i)})
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, nil); err != nil {
			return fmt.Errorf("writing generated photos: %w", err)
		}
		if err := os.WriteFile(filepath.Join(photos, fmt.Sprintf("%03d.jpg", i)), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing generated photos: %w", err)
		}
	}
	return nil
}
