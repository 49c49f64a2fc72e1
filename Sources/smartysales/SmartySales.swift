import ArgumentParser

@main
struct SmartySales: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smartysales",
        abstract: "SmartySales: inbox classification, prospect discovery and outreach for B2B sales teams.",
        subcommands: [Serve.self, Worker.self, Migrate.self, Admin.self, MIMECommand.self, ClassifierCommand.self, CompanyCommand.self])
}
