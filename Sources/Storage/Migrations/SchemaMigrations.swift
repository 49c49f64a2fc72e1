import FluentKit

/// Every schema change in order. Append only: a migration that shipped is never edited, a fix is
/// a new migration. The numbers in the type names keep the order visible in file listings.
enum SchemaMigrations {
    static var all: Migrations {
        let migrations = Migrations()
        migrations.add([
            M0001CreateCompanies(),
            M0002CreateUsers(),
            M0003CreateSessions(),
            M0004CreateRememberTokens(),
            M0005CreateRecoveryCodes(),
            M0006CreateLoginAttempts(),
            M0007CreateAuditEvents(),
            M0008CreateJobs(),
            M0009CreateProbeRuns(),
            M0010CreateMailboxes(),
            M0011CreateMailboxCheckpoints(),
            M0012CreateInboundMessages(),
            M0013CreateInboxCategories(),
            M0014CreateInboxRules(),
            M0015CreateMessageClassifications(),
            M0016CreateLabelActions(),
            M0017CreateClassificationCorrections(),
            M0018CreateInboxSettings(),
            M0019CreateTenantLLMProviders(),
            M0020CreateEmbeddedClassifiers(),
            M0021CreateClients(),
            M0022CreateClientNotes(),
            M0023CreateCompanyCache(),
            M0024CreateEnrichmentCharges(),
            M0025CreateTenantCompanyDataProviders(),
            M0026CreateProspectSearches(),
            M0027CreateProspectSearchRuns(),
            M0028CreateProspectResults(),
            M0029AddJobPriority(),
            M0030AddInboundMessageLocation(),
            M0031CreateDismissedCompanies(),
            M0032AddCorrectionPreviousCategory(),
            M0033AddClientEnrichmentBatch(),
            M0034AddClientMailMatching(),
            M0035AddClientContactFlags(),
            M0036CreateClientStatusChanges(),
            M0037AddClientOriginRun(),
            M0038AddProspectFigureChecks(),
        ] as [any Migration])
        return migrations
    }
}
