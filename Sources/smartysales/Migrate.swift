import ArgumentParser
import Foundation

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and list what is applied.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let logger = try storage.startLogging(label: "smartysales.migrate")
        let persistence = try await storage.openDatabase(logger: logger)
        for name in try await persistence.appliedMigrations() {
            print(name)
        }
        await persistence.shutdown()
    }
}
