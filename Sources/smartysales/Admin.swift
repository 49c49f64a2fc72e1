import ArgumentParser
import Domain
import Foundation
import HummingbirdBcrypt
import NIOPosix
import Storage
import Workers

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Platform administration.",
        subcommands: [CreateSuperAdmin.self, Probe.self, SeedClients.self, SetQuota.self])
}

struct CreateSuperAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-super-admin",
        abstract: "Create the platform SUPER_ADMIN. The password is asked on the terminal, or read from standard input when piped.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "E-mail address to sign in with.")
    var email: String

    @Option(help: "Display name.")
    var name: String = "Platform administrator"

    func run() async throws {
        guard let address = EmailAddress(email) else { throw ValidationError("not an e-mail address: \(email)") }
        let password = try PasswordInput.read(prompt: "Password for \(address): ")
        var errors = FieldErrors()
        FormRules.newPassword(password, confirmation: nil, field: "password", confirmationField: "", into: &errors)
        guard errors.isEmpty else {
            throw ValidationError("the password needs \(FormRules.minimumPasswordLength) to \(FormRules.maximumPasswordBytes) bytes")
        }
        let logger = try storage.startLogging(label: "smartysales.admin")
        let persistence = try await storage.openDatabase(logger: logger)
        defer { Task { await persistence.shutdown() } }
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: 12) }
        do {
            let user = try await UserRepository(persistence: persistence).createSuperAdmin(email: address, fullName: name, passwordHash: hash, locale: .ru)
            print("created super-admin \(user.email) (\(user.id))")
        } catch StorageError.emailTaken {
            throw ValidationError("\(address) is already registered")
        }
        await persistence.shutdown()
    }
}

struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enqueue diagnostic probe jobs; each records which worker ran it (see the probe_runs table).")

    @OptionGroup var storage: StorageOptions

    @Option(help: "How many probe jobs to enqueue.")
    var count: Int = 10

    @Option(help: "Milliseconds each probe sleeps before recording its run.")
    var sleepMs: Int = 0

    func run() async throws {
        let logger = try storage.startLogging(label: "smartysales.admin")
        let persistence = try await storage.openDatabase(logger: logger)
        let jobs = (0..<max(0, count)).map { _ in NewJob(kind: ProbeJob.kind, payload: ProbeJob.payload(sleepMilliseconds: sleepMs)) }
        try await JobQueue(persistence: persistence).enqueue(jobs)
        print("enqueued \(jobs.count) probe jobs")
        await persistence.shutdown()
    }
}
