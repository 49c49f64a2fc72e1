import Foundation
import LLM

/// A sales inbox made up from templates: six categories and any number of Russian and English
/// business messages of varying length, the same every run (a seeded generator, no corpus).
/// Subjects carry a running number, so each is unique and names its message in a prompt.
enum SyntheticMail {
    struct LabelledMessage: Sendable {
        let message: ClassificationMessage
        let categoryID: String
    }

    static let categories = [
        ClassificationCategory(
            id: "lead", name: "Заявка",
            description: "Запрос от нового клиента: хотят купить, просят цену или коммерческое предложение. A new customer asks for a price or a quote.",
            examples: ["Хотим заказать 20 станков, пришлите коммерческое предложение и цены.",
                       "Request for quotation: we would like to buy 50 licences, please send your price list."]),
        ClassificationCategory(
            id: "invoice", name: "Счёт",
            description: "Счета на оплату, акты и платёжные документы от поставщиков. Invoices and payment documents from suppliers.",
            examples: ["Направляем счёт на оплату №341 за поставку в марте.",
                       "Please find attached invoice INV-2041, payment due in 10 days."]),
        ClassificationCategory(
            id: "cv", name: "Резюме",
            description: "Отклики кандидатов на вакансии, резюме. Job applications and CVs.",
            examples: ["Откликаюсь на вакансию менеджера по продажам, резюме во вложении.",
                       "Please find my CV attached, I am applying for the sales manager position."]),
        ClassificationCategory(
            id: "complaint", name: "Рекламация",
            description: "Жалобы действующих клиентов: брак, недопоставка, задержка, просьба о замене или возврате. Complaints from existing customers.",
            examples: ["В поставке по договору 17 обнаружен брак, просим заменить две позиции.",
                       "The shipment arrived damaged, we request a replacement or a refund."]),
        ClassificationCategory(
            id: "partnership", name: "Сотрудничество",
            description: "Предложения о партнёрстве, дилерстве, совместных проектах от других компаний. Partnership and dealership offers.",
            examples: ["Предлагаем стать нашим дилером в Поволжье на особых условиях.",
                       "We would like to discuss a reseller partnership for your products in Kazakhstan."]),
        ClassificationCategory(
            id: "newsletter", name: "Рассылка",
            description: "Рекламные рассылки, приглашения на вебинары и выставки, новости сервисов. Newsletters, adverts and event invitations.",
            examples: ["Приглашаем на бесплатный вебинар о продажах в B2B 15 мая.",
                       "Our spring sale is on: 30% off all plans until Friday. Unsubscribe here."]),
    ]

    /// Subject and opening templates of one category, Russian then English.
    private struct Templates {
        let categoryID: String
        let russianSubjects: [String]
        let russianOpenings: [String]
        let englishSubjects: [String]
        let englishOpenings: [String]
    }

    private static let templates: [Templates] = [
        Templates(
            categoryID: "lead",
            russianSubjects: ["Запрос цены №{n}", "Коммерческое предложение на {product} ({n})", "Заявка {n}: {product}"],
            russianOpenings: ["Добрый день! Просим выслать коммерческое предложение на {qty} шт. {product} с доставкой в {city}.",
                              "Здравствуйте. Планируем закупку {product}, объём около {qty} единиц. Подскажите цены и сроки поставки.",
                              "Интересует {product}. Пришлите, пожалуйста, прайс-лист и условия оплаты для {company}."],
            englishSubjects: ["Request for quotation {n}", "Price inquiry {n}: {productEN}"],
            englishOpenings: ["Hello, we are interested in {qty} units of {productEN}. Could you send us a quotation including delivery?",
                              "Good afternoon. Please send your current price list for {productEN} and the lead time for {qty} units."]),
        Templates(
            categoryID: "invoice",
            russianSubjects: ["Счёт на оплату №{n}", "Акт и счёт №{n} за {month}", "Документы к оплате {n}"],
            russianOpenings: ["Направляем счёт №{n} на оплату поставки {product} за {month}. Сумма {sum} руб., в том числе НДС.",
                              "Во вложении акт выполненных работ и счёт за {month}. Просим оплатить в течение 5 банковских дней.",
                              "Добрый день! Высылаем счёт-фактуру и товарную накладную по договору {n}."],
            englishSubjects: ["Invoice INV-{n}", "Payment reminder {n}"],
            englishOpenings: ["Please find attached invoice INV-{n} for the {month} delivery of {productEN}. Payment is due in 14 days.",
                              "This is a reminder that invoice {n} of {sum} RUB is overdue. Please arrange payment at your earliest convenience."]),
        Templates(
            categoryID: "cv",
            russianSubjects: ["Отклик на вакансию, анкета {n}", "Резюме: менеджер по продажам ({n})", "Вакансия {n}"],
            russianOpenings: ["Здравствуйте! Меня зовут {name}, откликаюсь на вакансию менеджера по продажам. Резюме во вложении.",
                              "Добрый день. Увидел вашу вакансию на hh.ru, опыт продаж в B2B — 6 лет. Прошу рассмотреть мою кандидатуру.",
                              "Прошу рассмотреть моё резюме на должность специалиста отдела закупок в {city}."],
            englishSubjects: ["Application {n}: sales manager", "CV for the account manager role ({n})"],
            englishOpenings: ["Dear hiring team, I am applying for the sales manager position. My CV is attached.",
                              "Hello, my name is {name}. I have five years of B2B sales experience and would like to join your team."]),
        Templates(
            categoryID: "complaint",
            russianSubjects: ["Рекламация по заказу {n}", "Брак в поставке {n}", "Недопоставка по счёту {n}"],
            russianOpenings: ["В поставке по заказу {n} обнаружен брак: {qty} шт. {product} повреждены. Просим заменить.",
                              "Товар по счёту {n} пришёл не в полном объёме, не хватает {qty} позиций. Ждём пояснений и допоставки.",
                              "Уже третий раз задерживается доставка в {city}. Просим разобраться и сообщить новые сроки."],
            englishSubjects: ["Complaint about order {n}", "Damaged goods, order {n}"],
            englishOpenings: ["Order {n} arrived with {qty} damaged units of {productEN}. We request a replacement as soon as possible.",
                              "We are still waiting for the missing items from order {n}. Please tell us when they will be shipped."]),
        Templates(
            categoryID: "partnership",
            russianSubjects: ["Предложение о сотрудничестве {n}", "Дилерство в регионе ({n})", "Партнёрская программа {n}"],
            russianOpenings: ["Компания {company} предлагает сотрудничество: готовы представлять вашу продукцию в {city} на правах дилера.",
                              "Добрый день! Мы производим {product} и ищем партнёров для совместных поставок. Предлагаем обсудить условия.",
                              "Приглашаем вас в нашу партнёрскую программу: скидка 12% и совместный маркетинг."],
            englishSubjects: ["Partnership proposal {n}", "Reseller agreement ({n})"],
            englishOpenings: ["We are a distributor of industrial equipment and would like to become your reseller in Central Asia.",
                              "Our company would like to discuss a joint project with you. Could we schedule a call next week?"]),
        Templates(
            categoryID: "newsletter",
            russianSubjects: ["Вебинар {n}: продажи в B2B", "Новости сервиса, выпуск {n}", "Скидки недели {n}"],
            russianOpenings: ["Приглашаем на бесплатный вебинар «Как удвоить продажи в B2B». Регистрация по ссылке.",
                              "В этом выпуске: новые тарифы, интеграция с 1С и советы по работе с клиентами. Отписаться можно внизу письма.",
                              "Только до пятницы скидка 30% на все тарифы. Успейте оформить подписку!"],
            englishSubjects: ["Newsletter issue {n}", "Webinar invitation {n}"],
            englishOpenings: ["Join our free webinar on B2B lead generation next Thursday. Seats are limited.",
                              "This month: new features, customer stories and our spring sale. Unsubscribe at any time."]),
    ]

    private static let russianFillers = [
        "Просим подтвердить получение письма.",
        "Контактное лицо — {name}, тел. +7 495 123-45-67.",
        "Будем признательны за быстрый ответ.",
        "Реквизиты компании во вложении.",
        "Если возникнут вопросы, звоните в любое время.",
        "Срок желательно согласовать до конца месяца.",
        "С уважением, {name}, {company}.",
    ]
    private static let englishFillers = [
        "Please confirm you received this e-mail.",
        "Contact person: {name}, phone +44 20 7946 0000.",
        "We would appreciate a quick reply.",
        "Our company details are attached.",
        "Feel free to call if you have any questions.",
        "Best regards, {name}, {company}.",
    ]

    private static let products = ["станков ЧПУ", "кабеля ВВГ", "офисной мебели", "насосов", "лицензий 1С", "упаковочной плёнки"]
    private static let englishProducts = ["CNC machines", "VVG cable", "office furniture", "pumps", "software licences", "packaging film"]
    private static let companies = ["ООО «Ромашка»", "АО «УралСтанкоМаш»", "ООО «СтройТорг»", "ИП Петров", "ООО «Логист»"]
    private static let cities = ["Москву", "Екатеринбург", "Казань", "Новосибирск", "Самару"]
    private static let names = ["Ирина Смирнова", "Алексей Кузнецов", "Ольга Попова", "Дмитрий Волков"]
    private static let months = ["январь", "февраль", "март", "апрель", "май"]
    private static let senderDomains = ["zavod-ural.ru", "stroytorg.ru", "logist.ru", "mail.ru", "gmail.com", "acme-corp.com"]
    private static let senderNames = ["info", "zakupki", "buh", "sales", "office", "hr", "news"]

    static func messages(count: Int, seed: UInt64 = 0x5EED_2025) -> [LabelledMessage] {
        var random = SplitMix64(state: seed)
        let start = Date(timeIntervalSince1970: 1_740_992_400) // 2025-03-03 09:00 UTC
        return (0..<count).map { index in
            let wording = random.pick(templates)
            let english = random.below(3) == 0
            var text = random.pick(english ? wording.englishOpenings : wording.russianOpenings)
            for _ in 0..<random.below(5) {
                text += " " + random.pick(english ? englishFillers : russianFillers)
            }
            let values = [
                "{n}": String(1000 + index * 7),
                "{product}": random.pick(products),
                "{productEN}": random.pick(englishProducts),
                "{qty}": String(5 + random.below(200)),
                "{sum}": String(10_000 + random.below(900_000)),
                "{company}": random.pick(companies),
                "{city}": random.pick(cities),
                "{name}": random.pick(names),
                "{month}": random.pick(months),
            ]
            let subject = random.pick(english ? wording.englishSubjects : wording.russianSubjects)
            let message = ClassificationMessage(
                id: "synthetic-\(index)",
                sender: random.pick(senderNames) + "@" + random.pick(senderDomains),
                recipient: "sales@romashka.ru",
                subject: filled(subject, with: values),
                snippet: String(filled(text, with: values).prefix(500)),
                date: start.addingTimeInterval(Double(index) * 37 * 60))
            return LabelledMessage(message: message, categoryID: wording.categoryID)
        }
    }

    private static func filled(_ template: String, with values: [String: String]) -> String {
        values.reduce(template) { text, value in text.replacingOccurrences(of: value.key, with: value.value) }
    }
}
