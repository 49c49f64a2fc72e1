import CompanyData
import Domain
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LLM
import Logging
import NIOSSL
import Observability
import ServiceLifecycle
import Storage
import Workers

/// Wires the application: storage, services, routes, middleware, and the background services
/// that run beside the HTTP server.
public func buildApplication(_ configuration: AppConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
    try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let keyring = try MasterKeyring.load(environment: configuration.environment, dataDirectory: configuration.dataDirectory)
    let location = try DatabaseLocation.resolve(databaseURL: configuration.databaseURL, dataDirectory: configuration.dataDirectory)
    let persistence = try await Persistence.open(location, logger: logger)
    try await persistence.migrate()
    let fileAudit = try FileAuditSink(file: DailyLogFile(directory: configuration.resolvedLogDirectory, prefix: "audit"))
    let databaseAudit = BatchedAuditWriter(repository: AuditRepository(persistence: persistence))
    let services = try await WebAssembly.services(configuration: configuration, persistence: persistence, keyring: keyring,
                                                  auditSinks: [databaseAudit, fileAudit])
    let router = WebAssembly.router(services: services, configuration: configuration)

    // Shut down in reverse: the audit writer flushes before the database closes.
    var backgroundServices: [any Service] = [DatabaseService(persistence: persistence), databaseAudit]
    if configuration.runWorkers {
        let inbox = InboxPipeline(persistence: persistence, secretBox: SecretBox(keyring: keyring),
                                  auditSink: FanOutAuditSink(sinks: [databaseAudit, fileAudit]),
                                  connectorOptions: configuration.connectorOptions, syncInterval: configuration.syncIntervalSeconds,
                                  prices: try LLMPriceTable.load(environment: configuration.environment), logger: logger)
        let prospects = ProspectsPipeline(persistence: persistence, secretBox: SecretBox(keyring: keyring),
                                          auditSink: FanOutAuditSink(sinks: [databaseAudit, fileAudit]),
                                          companyDataDefaults: CompanyDataPlatformDefaults(environment: configuration.environment),
                                          prices: try LLMPriceTable.load(environment: configuration.environment),
                                          discoveryLimits: ProspectDiscovery.Limits(
                                              lookupsPerRun: ProspectsPipeline.discoveryLookupsPerRun(environment: configuration.environment)),
                                          logger: logger)
        backgroundServices += WorkerAssembly.services(persistence: persistence, inbox: inbox, prospects: prospects, concurrency: configuration.workerConcurrency,
                                                      logger: logger, lease: configuration.jobLeaseSeconds)
        try await WorkerAssembly.scheduleHousekeeping(persistence: persistence)
        try await inbox.scheduleMailboxes()
    }
    let server: HTTPServerBuilder
    if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        server = try .tls(.http1(), tlsConfiguration: tls)
    } else {
        server = .http1()
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.hostname, port: configuration.port), serverName: "SmartySales"),
        services: backgroundServices,
        logger: logger)
}

/// The pieces of ``buildApplication(_:logger:)`` that tests assemble around their own database.
enum WebAssembly {
    /// `auditSinks` defaults to writing each event straight to the database, which tests read back at once.
    static func services(configuration: AppConfiguration, persistence: Persistence, keyring: MasterKeyring, auditSinks: [any AuditSink]? = nil,
                         connectionTester: (any MailboxConnectionTesting)? = nil) async throws -> WebServices {
        let auditTrail = AuditRepository(persistence: persistence)
        let sink = FanOutAuditSink(sinks: auditSinks ?? [auditTrail])
        let secretBox = SecretBox(keyring: keyring)
        let companyDataProviders = CompanyDataProviderSettingsRepository(persistence: persistence, secretBox: secretBox, clock: SystemStorageClock())
        return WebServices(
            persistence: persistence,
            renderer: try PageRenderer.fromBundle(),
            users: UserRepository(persistence: persistence),
            companies: CompanyRepository(persistence: persistence),
            sessions: SessionStore(persistence: persistence),
            rememberTokens: RememberTokenStore(persistence: persistence),
            recoveryCodes: RecoveryCodeStore(persistence: persistence),
            loginAttempts: LoginAttemptStore(persistence: persistence),
            auditTrail: auditTrail,
            audit: AuditRecorder(sink: sink),
            jobs: JobQueue(persistence: persistence),
            syncInterval: configuration.syncIntervalSeconds,
            hasher: PasswordHasher(cost: configuration.bcryptCost),
            totp: TOTPAuthenticator(),
            secretBox: secretBox,
            throttle: LoginThrottlePolicy(),
            csrf: CSRFTokens(key: keyring.derivedKey(purpose: "csrf")),
            auditSink: sink,
            mailboxes: MailboxRepository(persistence: persistence, secretBox: secretBox),
            inboundMessages: InboundMessageRepository(persistence: persistence),
            categories: CategoryRepository(persistence: persistence),
            rules: RuleRepository(persistence: persistence),
            classifications: ClassificationRepository(persistence: persistence),
            labelActions: LabelActionRepository(persistence: persistence),
            connectionTester: connectionTester ?? MailProtocolsConnectionTester(),
            llmProviders: LLMProviderSettingsRepository(persistence: persistence, secretBox: secretBox),
            platformLLM: EnvironmentLLMConfigurationSource(environment: configuration.environment),
            llmTester: LLMProviderTester(),
            clients: ClientRepository(persistence: persistence),
            clientMessages: ClientMessageRepository(persistence: persistence),
            clientNotes: ClientNoteRepository(persistence: persistence, clock: SystemStorageClock()),
            enrichmentQuota: EnrichmentQuotaRepository(persistence: persistence, clock: SystemStorageClock()),
            companyDataProviders: companyDataProviders,
            companyLookup: CompanyLookup(companyData: CompanyDataSources(
                settings: companyDataProviders, platformDefaults: CompanyDataPlatformDefaults(environment: configuration.environment), audit: sink)),
            prospectSearches: ProspectSearchRepository(persistence: persistence),
            prospectScheduling: ProspectSearchScheduling(queue: JobQueue(persistence: persistence)),
            discoveryLookupsPerRun: ProspectsPipeline.discoveryLookupsPerRun(environment: configuration.environment),
            regions: try RegionCatalog.bundled(),
            okved: try OKVEDTree.bundled())
    }

    static func router(services: WebServices, configuration: AppConfiguration) -> Router<AppRequestContext> {
        _ = MetricsBootstrap.registry
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.trustedProxies, servesTLS: configuration.servesTLS, maxBodyBytes: configuration.maxBodyBytes))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: StaticFilesMiddleware(directory: WebResources.directory.appendingPathComponent("Public")))
        router.add(middleware: SessionMiddleware(sessions: services.sessions, lookup: SignedInCache(lookup: SignedInLookup(persistence: services.persistence)), rememberTokens: services.rememberTokens, users: services.users,
                                                 companies: services.companies, csrf: services.csrf, audit: services.audit))
        router.add(middleware: AuditMiddleware(sink: services.auditSink))
        router.add(middleware: ErrorPageMiddleware(renderer: services.renderer))
        router.add(middleware: FormBodyMiddleware())
        router.add(middleware: CSRFMiddleware())

        OperationsController(services: services).addRoutes(to: router)
        PublicController(services: services).addRoutes(to: router)
        AuthController(services: services).addRoutes(to: router)

        let workspace = router.group().add(middleware: SignedInMiddleware())
        DashboardController(services: services).addRoutes(to: workspace)
        AccountController(services: services).addRoutes(to: workspace)
        UsersController(services: services).addRoutes(to: workspace)
        SettingsController(services: services).addRoutes(to: workspace)
        InboxController(services: services).addRoutes(to: workspace)
        InboxProgressController(services: services).addRoutes(to: workspace)
        MailboxesController(services: services).addRoutes(to: workspace)
        CategoriesController(services: services).addRoutes(to: workspace)
        LLMProvidersController(services: services).addRoutes(to: workspace)
        LLMUsageController(services: services).addRoutes(to: workspace)
        ClientsController(services: services).addRoutes(to: workspace)
        ClientNotesController(services: services).addRoutes(to: workspace)
        ClientEnrichmentController(services: services).addRoutes(to: workspace)
        ClientExportController(services: services).addRoutes(to: workspace)
        ClientContactsController(services: services).addRoutes(to: workspace)
        CompanyDataProvidersController(services: services).addRoutes(to: workspace)
        EnrichmentUsageController(services: services).addRoutes(to: workspace)
        ProspectsController(services: services).addRoutes(to: workspace)
        ProspectRunsController(services: services).addRoutes(to: workspace)
        ProspectSearchesController(services: services).addRoutes(to: workspace)
        OKVEDPickerController(services: services).addRoutes(to: workspace)
        AuditController(services: services).addRoutes(to: workspace)
        JobsController(services: services).addRoutes(to: workspace)
        PlatformController(services: services).addRoutes(to: workspace)
        PlatformClientsController(services: services).addRoutes(to: workspace)
        return router
    }
}
