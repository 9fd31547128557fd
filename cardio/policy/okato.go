package policy

// The subject level of OKATO (OK 019-95, the All-Russian classifier of objects of
// administrative-territorial division). An OKATO code starts with two digits naming the
// federal subject; the insurer record (tag 5F52, oms-card-format.md §3) holds the
// 5-digit subject form such as "45000".
//
// OKATO numbers the subjects in its own order (krais, then oblasts with the federal
// cities among them, then republics), so its codes are not the constitutional region
// numbers of number plates and tax codes: Moscow is 45 here and 77 there, and OKATO 77
// is Chukotka.

// Subject is one federal subject of the Russian Federation as OKATO names it.
type Subject struct {
	// Code is the subject's OKATO code: two digits, or five for the three autonomous
	// okrugs that OKATO places inside an oblast (11100, 71100, 71140).
	Code string
	// NameRU is the official Russian name; NameEN is the usual English name.
	NameRU, NameEN string
}

// OKATOSubject returns the federal subject that an OKATO code (of any length, at least
// two digits) belongs to, looked up by its first two digits. The three autonomous
// okrugs coded inside an oblast are recognised by their own 5-digit codes: "71100…"
// is Khanty-Mansi Autonomous Okrug, while "71000…" and "71" are Tyumen Oblast. Codes of
// places inside those okrugs (for example 71136, a city of Khanty-Mansi) resolve to the
// enclosing oblast, because only the okrugs' own codes are in this table. The second
// result is false when the first two digits are not a subject code.
func OKATOSubject(code string) (Subject, bool) {
	if len(code) >= 5 {
		if s, ok := okatoOkrugsByCode[code[:5]]; ok {
			return s, true
		}
	}
	if len(code) < 2 {
		return Subject{}, false
	}
	s, ok := okatoSubjectsByCode[code[:2]]
	return s, ok
}

// okatoSubjects is the first level of OKATO: the federal subjects with a two-digit code
// of their own, in code order.
var okatoSubjects = []Subject{
	{"01", "Алтайский край", "Altai Krai"},
	{"03", "Краснодарский край", "Krasnodar Krai"},
	{"04", "Красноярский край", "Krasnoyarsk Krai"},
	{"05", "Приморский край", "Primorsky Krai"},
	{"07", "Ставропольский край", "Stavropol Krai"},
	{"08", "Хабаровский край", "Khabarovsk Krai"},
	{"10", "Амурская область", "Amur Oblast"},
	{"11", "Архангельская область", "Arkhangelsk Oblast"},
	{"12", "Астраханская область", "Astrakhan Oblast"},
	{"14", "Белгородская область", "Belgorod Oblast"},
	{"15", "Брянская область", "Bryansk Oblast"},
	{"17", "Владимирская область", "Vladimir Oblast"},
	{"18", "Волгоградская область", "Volgograd Oblast"},
	{"19", "Вологодская область", "Vologda Oblast"},
	{"20", "Воронежская область", "Voronezh Oblast"},
	{"21", "Донецкая Народная Республика", "Donetsk People's Republic"},
	{"22", "Нижегородская область", "Nizhny Novgorod Oblast"},
	{"23", "Запорожская область", "Zaporozhye Oblast"},
	{"24", "Ивановская область", "Ivanovo Oblast"},
	{"25", "Иркутская область", "Irkutsk Oblast"},
	{"26", "Республика Ингушетия", "Republic of Ingushetia"},
	{"27", "Калининградская область", "Kaliningrad Oblast"},
	{"28", "Тверская область", "Tver Oblast"},
	{"29", "Калужская область", "Kaluga Oblast"},
	{"30", "Камчатский край", "Kamchatka Krai"},
	{"32", "Кемеровская область — Кузбасс", "Kemerovo Oblast – Kuzbass"},
	{"33", "Кировская область", "Kirov Oblast"},
	{"34", "Костромская область", "Kostroma Oblast"},
	{"35", "Республика Крым", "Republic of Crimea"},
	{"36", "Самарская область", "Samara Oblast"},
	{"37", "Курганская область", "Kurgan Oblast"},
	{"38", "Курская область", "Kursk Oblast"},
	{"40", "Санкт-Петербург", "Saint Petersburg"},
	{"41", "Ленинградская область", "Leningrad Oblast"},
	{"42", "Липецкая область", "Lipetsk Oblast"},
	{"43", "Луганская Народная Республика", "Luhansk People's Republic"},
	{"44", "Магаданская область", "Magadan Oblast"},
	{"45", "Москва", "Moscow"},
	{"46", "Московская область", "Moscow Oblast"},
	{"47", "Мурманская область", "Murmansk Oblast"},
	{"49", "Новгородская область", "Novgorod Oblast"},
	{"50", "Новосибирская область", "Novosibirsk Oblast"},
	{"52", "Омская область", "Omsk Oblast"},
	{"53", "Оренбургская область", "Orenburg Oblast"},
	{"54", "Орловская область", "Oryol Oblast"},
	// 55 is not a federal subject: the city of Baikonur, leased from Kazakhstan, which
	// OKATO lists at the first level and where Russian OMS operates.
	{"55", "Байконур", "Baikonur"},
	{"56", "Пензенская область", "Penza Oblast"},
	{"57", "Пермский край", "Perm Krai"},
	{"58", "Псковская область", "Pskov Oblast"},
	{"60", "Ростовская область", "Rostov Oblast"},
	{"61", "Рязанская область", "Ryazan Oblast"},
	{"63", "Саратовская область", "Saratov Oblast"},
	{"64", "Сахалинская область", "Sakhalin Oblast"},
	{"65", "Свердловская область", "Sverdlovsk Oblast"},
	{"66", "Смоленская область", "Smolensk Oblast"},
	{"67", "Севастополь", "Sevastopol"},
	{"68", "Тамбовская область", "Tambov Oblast"},
	{"69", "Томская область", "Tomsk Oblast"},
	{"70", "Тульская область", "Tula Oblast"},
	{"71", "Тюменская область", "Tyumen Oblast"},
	{"73", "Ульяновская область", "Ulyanovsk Oblast"},
	{"74", "Херсонская область", "Kherson Oblast"},
	{"75", "Челябинская область", "Chelyabinsk Oblast"},
	{"76", "Забайкальский край", "Zabaykalsky Krai"},
	{"77", "Чукотский автономный округ", "Chukotka Autonomous Okrug"},
	{"78", "Ярославская область", "Yaroslavl Oblast"},
	{"79", "Республика Адыгея", "Republic of Adygea"},
	{"80", "Республика Башкортостан", "Republic of Bashkortostan"},
	{"81", "Республика Бурятия", "Republic of Buryatia"},
	{"82", "Республика Дагестан", "Republic of Dagestan"},
	{"83", "Кабардино-Балкарская Республика", "Kabardino-Balkarian Republic"},
	{"84", "Республика Алтай", "Altai Republic"},
	{"85", "Республика Калмыкия", "Republic of Kalmykia"},
	{"86", "Республика Карелия", "Republic of Karelia"},
	{"87", "Республика Коми", "Komi Republic"},
	{"88", "Республика Марий Эл", "Mari El Republic"},
	{"89", "Республика Мордовия", "Republic of Mordovia"},
	{"90", "Республика Северная Осетия — Алания", "Republic of North Ossetia – Alania"},
	{"91", "Карачаево-Черкесская Республика", "Karachay-Cherkess Republic"},
	{"92", "Республика Татарстан", "Republic of Tatarstan"},
	{"93", "Республика Тыва", "Tuva Republic"},
	{"94", "Удмуртская Республика", "Udmurt Republic"},
	{"95", "Республика Хакасия", "Republic of Khakassia"},
	{"96", "Чеченская Республика", "Chechen Republic"},
	{"97", "Чувашская Республика — Чувашия", "Chuvash Republic"},
	{"98", "Республика Саха (Якутия)", "Sakha (Yakutia) Republic"},
	{"99", "Еврейская автономная область", "Jewish Autonomous Oblast"},
}

// okatoOkrugs are the federal subjects that OKATO codes inside another subject's
// two-digit code: the autonomous okrugs of Arkhangelsk Oblast (11) and Tyumen Oblast (71).
var okatoOkrugs = []Subject{
	{"11100", "Ненецкий автономный округ", "Nenets Autonomous Okrug"},
	{"71100", "Ханты-Мансийский автономный округ — Югра", "Khanty-Mansi Autonomous Okrug – Yugra"},
	{"71140", "Ямало-Ненецкий автономный округ", "Yamalo-Nenets Autonomous Okrug"},
}

var (
	okatoSubjectsByCode = indexOKATOSubjects(okatoSubjects)
	okatoOkrugsByCode   = indexOKATOSubjects(okatoOkrugs)
)

func indexOKATOSubjects(list []Subject) map[string]Subject {
	m := make(map[string]Subject, len(list))
	for _, s := range list {
		m[s.Code] = s
	}
	return m
}
