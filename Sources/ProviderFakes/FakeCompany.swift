/// A company the company-data fakes know, rendered by each fake in its provider's format
/// (DaData's `data` object, Checko's Russian keys). Plain values only: the fakes import nothing
/// of the client code, so a mapping mistake there cannot be mirrored here.
public struct FakeCompany: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case active, liquidating, liquidated, bankrupt, reorganizing

        /// DaData's `state.status`.
        var daData: String { rawValue.uppercased() }

        /// Checko's `Статус.Наим` (the tax service's wording).
        var russianName: String {
            switch self {
            case .active: "Действует"
            case .liquidating: "Находится в стадии ликвидации"
            case .liquidated: "Ликвидировано"
            case .bankrupt: "Признано несостоятельным (банкротом), конкурсное производство"
            case .reorganizing: "В процессе реорганизации в форме присоединения"
            }
        }

        var russianCode: String {
            switch self {
            case .active: "001"
            case .liquidating: "101"
            case .liquidated: "201"
            case .bankrupt: "114"
            case .reorganizing: "121"
            }
        }
    }

    public struct Activity: Sendable, Hashable {
        public var code: String
        public var name: String

        public init(_ code: String, _ name: String) {
            self.code = code
            self.name = name
        }
    }

    public struct Director: Sendable, Hashable {
        /// Surname, name, patronymic.
        public var name: String
        public var position: String
        public var inn: String?

        public init(name: String, position: String, inn: String? = nil) {
            self.name = name
            self.position = position
            self.inn = inn
        }
    }

    /// 10 digits for an organisation, 12 for a sole proprietor.
    public var inn: String
    public var kpp: String?
    /// OGRN, or OGRNIP for a sole proprietor.
    public var ogrn: String
    /// `yyyy-MM-dd`.
    public var registrationDate: String
    public var fullName: String
    public var shortName: String
    public var status: Status
    public var mainActivity: Activity
    public var extraActivities: [Activity]
    /// Two digits (`77`).
    public var regionCode: String
    public var regionName: String
    public var city: String
    public var address: String
    /// For a sole proprietor, the proprietor.
    public var director: Director?
    public var headcount: Int?
    /// Year → accounting line code (`2110` revenue, `2400` net profit) → roubles.
    public var finances: [Int: [String: Int64]]
    public var phones: [String]
    public var emails: [String]
    public var website: String?

    public init(inn: String, kpp: String? = nil, ogrn: String, registrationDate: String, fullName: String, shortName: String,
                status: Status = .active, mainActivity: Activity, extraActivities: [Activity] = [], regionCode: String,
                regionName: String, city: String, address: String, director: Director? = nil, headcount: Int? = nil,
                finances: [Int: [String: Int64]] = [:], phones: [String] = [], emails: [String] = [], website: String? = nil) {
        self.inn = inn
        self.kpp = kpp
        self.ogrn = ogrn
        self.registrationDate = registrationDate
        self.fullName = fullName
        self.shortName = shortName
        self.status = status
        self.mainActivity = mainActivity
        self.extraActivities = extraActivities
        self.regionCode = regionCode
        self.regionName = regionName
        self.city = city
        self.address = address
        self.director = director
        self.headcount = headcount
        self.finances = finances
        self.phones = phones
        self.emails = emails
        self.website = website
    }

    public var isSoleProprietor: Bool { inn.count == 12 }

    /// The latest year with a revenue line, and that revenue.
    var latestRevenue: (year: Int, roubles: Int64)? {
        for year in finances.keys.sorted(by: >) {
            if let revenue = finances[year]?["2110"] { return (year: year, roubles: revenue) }
        }
        return nil
    }

    /// Milliseconds since the epoch at UTC midnight of `registrationDate`: how DaData sends dates.
    var registrationEpochMilliseconds: Int {
        let parts = registrationDate.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return 0 }
        return Self.daysSinceEpoch(year: parts[0], month: parts[1], day: parts[2]) * 86_400_000
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension FakeCompany {
    /// Sberbank, from its public registry data (INN, OGRN, KPP, registration date, head office,
    /// chief executive); headcount, figures and contacts are made up for tests.
    public static let sberbank = FakeCompany(
        inn: "7707083893", kpp: "773601001", ogrn: "1027700132195", registrationDate: "1991-06-20",
        fullName: "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"СБЕРБАНК РОССИИ\"", shortName: "ПАО СБЕРБАНК",
        mainActivity: Activity("64.19", "Денежное посредничество прочее"),
        regionCode: "77", regionName: "г Москва", city: "Москва", address: "117312, г Москва, ул Вавилова, д 19",
        director: Director(name: "Греф Герман Оскарович", position: "ПРЕЗИДЕНТ, ПРЕДСЕДАТЕЛЬ ПРАВЛЕНИЯ"),
        headcount: 210_000, finances: [2023: ["2110": 3_900_000_000_000, "2400": 1_500_000_000_000]],
        phones: ["+7 495 500-55-50"], emails: ["sberbank@sberbank.ru"], website: "https://www.sberbank.ru")

    /// Yandex by its INN and OGRN; the other details are illustrative.
    public static let yandex = FakeCompany(
        inn: "7736207543", kpp: "770401001", ogrn: "1027700229193", registrationDate: "2000-09-21",
        fullName: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ЯНДЕКС\"", shortName: "ООО \"ЯНДЕКС\"",
        mainActivity: Activity("62.01", "Разработка компьютерного программного обеспечения"),
        extraActivities: [Activity("63.11", "Деятельность по обработке данных, предоставление услуг по размещению информации и связанная с этим деятельность")],
        regionCode: "77", regionName: "г Москва", city: "Москва", address: "119021, г Москва, ул Льва Толстого, д 16",
        director: Director(name: "Савиновский Артем Геннадьевич", position: "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР"),
        headcount: 20_000, finances: [2022: ["2110": 400_000_000_000], 2023: ["2110": 500_000_000_000, "2400": 30_000_000_000]],
        phones: ["+7 495 739-70-00"], emails: ["pr@yandex-team.ru"], website: "https://yandex.ru")

    /// Fictional, with valid check digits: an active software company in Moscow with every field.
    public static let romashkaSoft = FakeCompany(
        inn: "7712345671", kpp: "771201001", ogrn: "1177746123455", registrationDate: "2017-03-15",
        fullName: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"РОМАШКА СОФТ\"", shortName: "ООО \"РОМАШКА СОФТ\"",
        mainActivity: Activity("62.01", "Разработка компьютерного программного обеспечения"),
        extraActivities: [Activity("62.02", "Деятельность консультативная и работы в области компьютерных технологий")],
        regionCode: "77", regionName: "г Москва", city: "Москва", address: "123100, г Москва, наб Пресненская, д 12",
        director: Director(name: "Петрова Анна Сергеевна", position: "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", inn: "770123456703"),
        headcount: 45, finances: [2022: ["2110": 98_500_000, "2400": 7_200_000], 2023: ["2110": 120_000_000, "2400": 9_800_000]],
        phones: ["+7 495 123-45-67"], emails: ["info@romashka-soft.ru", "sales@romashka-soft.ru"], website: "https://romashka-soft.ru")

    /// Fictional: a liquidated software company in Moscow.
    public static let lyutik = FakeCompany(
        inn: "7709876545", kpp: "770901001", ogrn: "1097746123463", registrationDate: "2009-05-20",
        fullName: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ЛЮТИК\"", shortName: "ООО \"ЛЮТИК\"", status: .liquidated,
        mainActivity: Activity("62.01", "Разработка компьютерного программного обеспечения"),
        regionCode: "77", regionName: "г Москва", city: "Москва", address: "105005, г Москва, ул Бауманская, д 7",
        director: Director(name: "Сидоров Пётр Ильич", position: "ЛИКВИДАТОР"))

    /// Fictional: an active software company in Moscow Oblast, with «Ё» in its name.
    public static let vasilyokTech = FakeCompany(
        inn: "5027123457", kpp: "502701001", ogrn: "1205000123470", registrationDate: "2020-11-02",
        fullName: "АКЦИОНЕРНОЕ ОБЩЕСТВО \"ВАСИЛЁК ТЕХ\"", shortName: "АО \"ВАСИЛЁК ТЕХ\"",
        mainActivity: Activity("62.01", "Разработка компьютерного программного обеспечения"),
        regionCode: "50", regionName: "Московская обл", city: "Люберцы", address: "140000, Московская обл, г Люберцы, ул Смирновская, д 1",
        director: Director(name: "Орлов Дмитрий Викторович", position: "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", inn: "770512345650"),
        headcount: 12, finances: [2023: ["2110": 15_000_000]])

    /// Fictional sole proprietor with valid INN and OGRNIP.
    public static let ivanovSoleProprietor = FakeCompany(
        inn: "500100732259", ogrn: "304500116000157", registrationDate: "2004-03-01",
        fullName: "Индивидуальный предприниматель Иванов Иван Иванович", shortName: "ИП Иванов Иван Иванович",
        mainActivity: Activity("47.91", "Торговля розничная по почте или по информационно-коммуникационной сети Интернет"),
        regionCode: "50", regionName: "Московская обл", city: "Подольск", address: "142100, Московская обл, г Подольск",
        director: Director(name: "Иванов Иван Иванович", position: "Индивидуальный предприниматель", inn: "500100732259"),
        phones: ["+7 916 000-00-01"], emails: ["ivanov@example.ru"])

    /// Every sample, in a stable order.
    public static let samples: [FakeCompany] = [sberbank, yandex, romashkaSoft, lyutik, vasilyokTech, ivanovSoleProprietor]
}
