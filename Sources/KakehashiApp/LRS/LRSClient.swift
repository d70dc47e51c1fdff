import Foundation
import XAPI

/// Who is calling the LRS: a stand-alone credential or a tool's LTI bearer token with the xAPI
/// scope. Everything it reads and writes is in ``tenantID``: the one place the LRS decides the
/// tenant (``LRSCredentials/authenticate(_:database:baseURL:)``).
struct LRSClient: Sendable {
    var tenantID: UUID
    /// `key:<key>` or `tool:<client_id>`, stored with each statement and used in the audit log.
    var credential: String
    /// The tool behind a bearer token, whose pseudonymous subjects the actor may use.
    var toolID: UUID?
    /// The statement `authority` (xAPI Data §2.4.9): an Agent identified by an account on this
    /// platform naming the credential.
    var authority: JSON
    /// What it may do (Communication §4.2). Tools' bearer tokens, and the LRS writing AGS scores
    /// itself, have ``XAPIScopes/all``; only stand-alone credentials are limited.
    var scopes: XAPIScopes = .all
}
