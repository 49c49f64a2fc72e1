import Logging

/// Passes every event through ``SecretMasker`` before handing it to another handler. The JSON
/// log file masks as it renders; this is for handlers we do not write ourselves, such as
/// swift-log's stderr stream, so that `--log-level trace` on a terminal shows the SQL a query
/// ran but not the values bound into it.
public struct MaskingLogHandler: LogHandler {
    public var wrapped: any LogHandler

    public init(wrapping wrapped: any LogHandler) {
        self.wrapped = wrapped
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var masked = event
        masked.message = Logger.Message(stringLiteral: SecretMasker.maskFreeText(event.message.description))
        if let metadata = event.metadata {
            masked.metadata = SecretMasker.maskMetadata(metadata)
        }
        // The wrapped handler's own metadata and its provider's are merged after this point;
        // mask them here too, so a sensitive key set on the logger itself is not let through.
        var inner = wrapped
        if !inner.metadata.isEmpty {
            inner.metadata = SecretMasker.maskMetadata(inner.metadata)
        }
        if let provider = inner.metadataProvider {
            inner.metadataProvider = Logger.MetadataProvider { SecretMasker.maskMetadata(provider.get()) }
        }
        inner.log(event: masked)
    }
}
