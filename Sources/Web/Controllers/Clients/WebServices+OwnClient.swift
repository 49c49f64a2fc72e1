import Domain

extension WebServices {
    /// The client named in the path, in the visitor's company (404 otherwise, before the role
    /// check, so another tenant's id reveals nothing), and the right asked for. Every route on
    /// one client (the card, its notes, its contacts) starts here.
    func ownClient(_ context: AppRequestContext, _ right: ClientRight) async throws -> (Identity, TenantMember, Client) {
        let id = try context.uuidParameter()
        let member = try context.member()
        let client = try await clients.find(id, scope: .tenant(member))
        let (identity, _) = try context.require(client: right)
        return (identity, member, client)
    }
}
