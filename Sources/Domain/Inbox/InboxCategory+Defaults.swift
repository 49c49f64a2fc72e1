import Foundation

extension InboxCategory {
    /// The folder-like prefix every label we write starts with, so our labels sit together in
    /// Gmail's sidebar and never collide with the user's own.
    public static let labelPrefix = "SmartySales/"

    /// The starter set a new tenant gets in its language: the kinds of mail a Russian B2B sales
    /// team receives most. Everything is editable afterwards.
    public static func defaults(for locale: AppLocale) -> [InboxCategoryDraft] {
        switch locale {
        case .ru: russianDefaults
        case .en: englishDefaults
        }
    }

    private static func draft(_ name: String, _ description: String, _ examples: [String], colour: String) -> InboxCategoryDraft {
        InboxCategoryDraft(name: name, description: description, examples: examples, labelName: labelPrefix + name, colour: colour)
    }

    private static let russianDefaults: [InboxCategoryDraft] = [
        draft("Заявка",
              "Запрос цены, коммерческого предложения или условий поставки; желание купить или заключить договор.",
              ["Добрый день! Просим выставить КП на поставку 200 м кабеля ВВГнг 3х2,5 с доставкой в Казань.",
               "Здравствуйте, интересует ваше оборудование. Пришлите, пожалуйста, прайс-лист и сроки поставки.",
               "Хотим заключить договор на ежемесячное обслуживание, кто может связаться с нами?"],
              colour: "#1e88e5"),
        draft("Счёт",
              "Счета на оплату, акты, счета-фактуры, УПД, акты сверки и напоминания об оплате.",
              ["Направляем счёт № 1452 от 12.03 на оплату, срок оплаты — 5 банковских дней.",
               "Во вложении акт сверки взаиморасчётов за I квартал, просим подписать и вернуть скан.",
               "Напоминаем о задолженности по договору № 17/24, просим погасить до конца недели."],
              colour: "#43a047"),
        draft("Поддержка",
              "Вопросы и жалобы действующих клиентов: проблемы с заказом, доставкой, качеством, рекламации и возвраты.",
              ["Заказ № 3321 пришёл с повреждённой упаковкой, как оформить возврат?",
               "Второй день не можем войти в личный кабинет, помогите, пожалуйста.",
               "Поставленный насос не выходит на рабочее давление, нужна консультация инженера."],
              colour: "#fb8c00"),
        draft("Резюме",
              "Отклики на вакансии, резюме и сопроводительные письма кандидатов.",
              ["Добрый день! Откликаюсь на вакансию менеджера по продажам, резюме во вложении.",
               "Меня заинтересовала вакансия инженера-сметчика, прошу рассмотреть мою кандидатуру.",
               "Направляю резюме на позицию бухгалтера, опыт работы 7 лет, готов выйти через две недели."],
              colour: "#8e24aa"),
        draft("Рассылка",
              "Новостные рассылки, дайджесты, приглашения на вебинары и выставки, автоматические уведомления сервисов.",
              ["Дайджест недели: пять трендов B2B-продаж. Чтобы отписаться от рассылки, перейдите по ссылке.",
               "Приглашаем на вебинар «Закупки по 223-ФЗ» 15 апреля в 11:00 по московскому времени.",
               "Ваш отчёт в личном кабинете сформирован. Это письмо отправлено автоматически."],
              colour: "#00897b"),
        draft("Спам",
              "Нежелательная реклама, не относящиеся к делу предложения, мошеннические и фишинговые письма.",
              ["Раскрутка сайта в ТОП-10 за 3 дня! Гарантия результата, звоните прямо сейчас.",
               "Ваш аккаунт будет заблокирован через 24 часа, подтвердите пароль по ссылке.",
               "Базы данных всех предприятий России с телефонами директоров — со скидкой 90%."],
              colour: "#e53935"),
    ]

    private static let englishDefaults: [InboxCategoryDraft] = [
        draft("Lead",
              "A request for a price, a quote or delivery terms; someone who wants to buy or sign a contract.",
              ["Good afternoon! Please send us a quote for 200 m of VVGng 3x2.5 cable delivered to Kazan.",
               "Hello, we are interested in your equipment. Could you send your price list and lead times?",
               "We would like to sign a monthly service contract. Who can get in touch with us?"],
              colour: "#1e88e5"),
        draft("Invoice",
              "Invoices, acts of work, VAT invoices, reconciliation statements and payment reminders.",
              ["Please find attached invoice No. 1452 of 12 March, payable within 5 banking days.",
               "Attached is the reconciliation statement for Q1, please sign it and send back a scan.",
               "A reminder of the outstanding balance under contract No. 17/24, please settle it by Friday."],
              colour: "#43a047"),
        draft("Support",
              "Questions and complaints from existing customers: problems with an order, delivery or quality, claims and returns.",
              ["Order No. 3321 arrived with damaged packaging, how do we return it?",
               "We have not been able to sign in to our account for two days, please help.",
               "The pump you delivered does not reach its working pressure, we need an engineer's advice."],
              colour: "#fb8c00"),
        draft("CV",
              "Job applications, CVs and cover letters from candidates.",
              ["Good afternoon! I am applying for the sales manager vacancy, my CV is attached.",
               "I am interested in the cost engineer position and would like you to consider my application.",
               "Please find my CV for the accountant position: seven years of experience, available in two weeks."],
              colour: "#8e24aa"),
        draft("Newsletter",
              "Newsletters, digests, invitations to webinars and trade shows, automatic notifications from services.",
              ["Weekly digest: five B2B sales trends. To unsubscribe from this newsletter, follow the link.",
               "Join our webinar \"Procurement under Federal Law 223\" on 15 April at 11:00 Moscow time.",
               "Your report is ready in your account. This message was sent automatically."],
              colour: "#00897b"),
        draft("Spam",
              "Unsolicited advertising, irrelevant offers, fraud and phishing.",
              ["Get your website into the top 10 in 3 days! Guaranteed results, call now.",
               "Your account will be blocked in 24 hours, confirm your password by following the link.",
               "Databases of every company in Russia with directors' phone numbers, 90% off."],
              colour: "#e53935"),
    ]
}
