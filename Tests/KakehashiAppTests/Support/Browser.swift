import Foundation
import Testing
import VaporTesting

@testable import KakehashiApp

/// A browser for tests through the pages: keeps cookies, follows nothing by itself.
struct Browser {
    var cookies: [String: String] = [:]
    /// Sent as the peer's address would be (rate limits and the audit log read it).
    var host = "localhost"

    var cookieHeader: HTTPCookies {
        var jar = HTTPCookies()
        for (name, value) in cookies { jar[name] = HTTPCookies.Value(string: value) }
        return jar
    }

    mutating func keep(_ response: TestingHTTPResponse) {
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty || value.maxAge == 0 { cookies[name] = nil } else { cookies[name] = value.string }
        }
    }

    struct Page {
        var status: HTTPStatus
        var location: String?
        var body: String

        /// The first hidden `csrf` field of the page.
        var csrf: String { hiddenValue("csrf", in: body) ?? "" }
    }

    mutating func get(_ app: Application, _ path: String) async throws -> Page {
        var page = Page(status: .ok, location: nil, body: "")
        try await app.testing().test(.GET, path, beforeRequest: { [cookieHeader] request in
            request.headers.cookie = cookieHeader
            request.headers.replaceOrAdd(name: .accept, value: "text/html")
        }) { response async in
            keep(response)
            page = Page(status: response.status, location: response.headers.first(name: .location), body: response.body.string)
        }
        return page
    }

    mutating func post(_ app: Application, _ path: String, _ form: [String: String]) async throws -> Page {
        var page = Page(status: .ok, location: nil, body: "")
        try await app.testing().test(.POST, path, beforeRequest: { [cookieHeader] request in
            request.headers.cookie = cookieHeader
            request.headers.replaceOrAdd(name: .accept, value: "text/html")
            try request.content.encode(form, as: .urlEncodedForm)
        }) { response async in
            keep(response)
            page = Page(status: response.status, location: response.headers.first(name: .location), body: response.body.string)
        }
        return page
    }

    /// Posts a form body as a browser encodes it (repeated names for checkboxes: `a=1&a=2`).
    mutating func post(_ app: Application, _ path: String, encodedForm: String) async throws -> Page {
        var page = Page(status: .ok, location: nil, body: "")
        try await app.testing().test(.POST, path, beforeRequest: { [cookieHeader] request in
            request.headers.cookie = cookieHeader
            request.headers.replaceOrAdd(name: .accept, value: "text/html")
            request.headers.contentType = .urlEncodedForm
            request.body = ByteBuffer(string: encodedForm)
        }) { response async in
            keep(response)
            page = Page(status: response.status, location: response.headers.first(name: .location), body: response.body.string)
        }
        return page
    }

    /// Signs in through the form; returns the status and the redirect (or the page on failure).
    mutating func signIn(_ app: Application, tenant: String, username: String, password: String) async throws -> (HTTPStatus, String) {
        let form = try await get(app, "signin")
        let page = try await post(app, "signin", ["tenant": tenant, "username": username, "password": password, "csrf": form.csrf])
        return (page.status, page.location ?? page.body)
    }

    /// Completes the second-factor set-up a staff sign-in leads to; returns the secret and the
    /// recovery codes shown once.
    @discardableResult
    mutating func enrollSecondFactor(_ app: Application) async throws -> (secret: [UInt8], recoveryCodes: [String]) {
        let setup = try await get(app, "mfa/setup")
        #expect(setup.status == HTTPStatus.ok)
        let text = try #require(setup.body.firstMatch(of: /id="totp-secret"[^>]*>([A-Z2-7 ]+)</).map { String($0.output.1) })
        let secret = try #require(Base32.decode(text.replacingOccurrences(of: " ", with: "")))
        let done = try await post(app, "mfa/setup", ["code": TOTP.code(secret: secret, step: TOTP.step(at: Date())), "csrf": setup.csrf])
        #expect(done.status == HTTPStatus.ok)
        let codes = done.body.matches(of: /<li><code>([a-z2-7-]{19})<\/code><\/li>/).map { String($0.output.1) }
        return (secret, codes)
    }
}

func hiddenValue(_ name: String, in html: String) -> String? {
    guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}
