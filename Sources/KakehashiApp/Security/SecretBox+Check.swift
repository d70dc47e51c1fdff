import Fluent
import Vapor

extension SecretBox {
    /// Opens one sealed secret of each kind in the database; a key that cannot (a new
    /// `secret.key`, or instances configured with different `KAKEHASHI_SECRET_KEY`s) stops the
    /// server at start with the reason, instead of failing every launch and sign-in later.
    func checkOpens(_ database: any Database) async throws {
        var sealed: [String] = []
        if let key = try await PlatformKey.query(on: database).first() { sealed.append(key.privateKeySealed) }
        if let factor = try await SecondFactor.query(on: database).first() { sealed.append(factor.secretSealed) }
        if let provider = try await IdentityProvider.query(on: database).first() { sealed.append(provider.clientSecretSealed) }
        for value in sealed {
            do {
                _ = try open(value)
            } catch {
                throw ConfigurationError(
                    "the secret key cannot open the secrets in this database: set KAKEHASHI_SECRET_KEY to the key they were sealed with (the same on every instance), or restore secret.key in the data folder / 秘密鍵がデータベースの秘密を開けません。封をしたときと同じ KAKEHASHI_SECRET_KEY(全インスタンスで同じ値)を設定するか、データフォルダの secret.key を戻してください")
            }
        }
    }
}
