/// Who gave a verdict: shown beside it in the inbox and recorded with it, so a tenant can see
/// which verdicts a paid model made and which the local classifier made.
public enum ClassificationSource: Sendable, Hashable {
    case llm(provider: LLMProviderKind, model: String)
    case embedded
    /// Nobody did: the model left the message out of every answer (or only ever answered with a
    /// category that does not exist), or the tenant has no categories. Always needs review.
    case unanswered
}
