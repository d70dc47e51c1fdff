/// The OAuth 2.0 scope and media type of Names and Role Provisioning Services 2.0 (§2.2, §3.6.1).
public enum NRPSScope {
    /// Read the membership of a context.
    public static let contextMembershipReadOnly =
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
}

/// The media type of a membership container response (NRPS 2.0 §2.2).
public enum NRPSMediaType {
    public static let membershipContainer = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
}
