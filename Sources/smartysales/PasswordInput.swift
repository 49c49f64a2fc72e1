import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a password without echoing it on a terminal, or as one line from a pipe.
enum PasswordInput {
    static func read(prompt: String) throws -> String {
        if isatty(STDIN_FILENO) == 1 {
            guard let pointer = getpass(prompt) else { throw PasswordInputError.noInput }
            return String(cString: pointer)
        }
        guard let line = readLine(strippingNewline: true) else { throw PasswordInputError.noInput }
        return line
    }
}

enum PasswordInputError: Error, CustomStringConvertible {
    case noInput
    var description: String { "no password given on standard input" }
}
