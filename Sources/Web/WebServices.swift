import CompanyData
import Domain
import Foundation
import Observability
import Storage
import Workers

/// The dependencies controllers share, built once in ``buildApplication(_:)``.
struct WebServices: Sendable {
    let persistence: Persistence
    let renderer: PageRenderer
    let users: UserRepository
    let companies: CompanyRepository
    let sessions: SessionStore
    let rememberTokens: RememberTokenStore
    let recoveryCodes: RecoveryCodeStore
    let loginAttempts: LoginAttemptStore
    let auditTrail: AuditRepository
    let audit: any AuditRecording
    let jobs: JobQueue
    /// Seconds between two polls of a mailbox: the schedule a mailbox gets when it is added or resumed.
    let syncInterval: TimeInterval
    let hasher: PasswordHasher
    let totp: TOTPAuthenticator
    let secretBox: SecretBox
    let throttle: LoginThrottlePolicy
    let csrf: CSRFTokens
    /// Where whole-request events go (database and file); ``audit`` writes business events.
    let auditSink: any AuditSink
    let mailboxes: MailboxRepository
    let inboundMessages: InboundMessageRepository
    let categories: CategoryRepository
    let rules: RuleRepository
    let classifications: ClassificationRepository
    let labelActions: LabelActionRepository
    /// The "test connection" button's server side; tests may swap in their own.
    let connectionTester: any MailboxConnectionTesting
    /// The tenant's own LLM providers (keys sealed).
    let llmProviders: LLMProviderSettingsRepository
    /// The platform's default providers, from the environment: used by tenants without their own.
    let platformLLM: EnvironmentLLMConfigurationSource
    /// The LLM settings page's "Test" button: one tiny call through the provider's real adapter.
    let llmTester: LLMProviderTester
    let clients: ClientRepository
    /// A client's messages, and the client of a message's sender.
    let clientMessages: ClientMessageRepository
    /// Takes a tenant member only: the platform scope cannot ask for notes at all.
    let clientNotes: ClientNoteRepository
    let enrichmentQuota: EnrichmentQuotaRepository
    /// The tenant's own company-data providers (keys sealed).
    let companyDataProviders: CompanyDataProviderSettingsRepository
    /// One company by INN through the tenant's providers (per service its own key, else the
    /// platform's): adding a client by hand looks it up first, free of quota.
    let companyLookup: CompanyLookup
    /// Discovery: saved searches, their runs and results.
    let prospectSearches: ProspectSearchRepository
    /// The saved searches' schedules in the job queue.
    let prospectScheduling: ProspectSearchScheduling
    /// Companies a discovery run looks up for the figures its ranges need (the form says so).
    let discoveryLookupsPerRun: Int
    /// Region names for codes, and the check of a region filter.
    let regions: RegionCatalog
    /// OKVED names for codes, and the check of an OKVED filter.
    let okved: OKVEDTree
}
