import HTTPServer
import HTTPTypes
import Testing

@Suite struct RouterTests {
    let ok: Handler = { _ in Response.text("ok") }

    @Test func literalSegmentsWinOverParameters() throws {
        let router = try Router([
            Route(.get, "/api/users/:id", access: .anyone, handler: ok),
            Route(.get, "/api/users/me", access: .anyone, handler: ok),
        ])
        guard case .matched(let route, let parameters) = router.resolve(.get, "/api/users/me") else {
            Issue.record("no match"); return
        }
        #expect(route.path == "/api/users/me")
        #expect(parameters.isEmpty)
        guard case .matched(let byID, let idParameters) = router.resolve(.get, "/api/users/42") else {
            Issue.record("no match"); return
        }
        #expect(byID.path == "/api/users/:id")
        #expect(idParameters == ["id": "42"])
    }

    @Test func headIsServedByGetAndOtherMethodsAreListed() throws {
        let router = try Router([
            Route(.get, "/things", access: .anyone, handler: ok),
            Route(.post, "/things", access: .anyone, handler: ok),
        ])
        guard case .matched(let route, _) = router.resolve(.head, "/things") else { Issue.record("HEAD not served"); return }
        #expect(route.method == .get)
        guard case .methodNotAllowed(let allowed) = router.resolve(.delete, "/things") else { Issue.record("expected 405"); return }
        #expect(allowed.map(\.rawValue) == ["GET", "HEAD", "OPTIONS", "POST"])
        guard case .notFound = router.resolve(.get, "/things/else") else { Issue.record("expected 404"); return }
    }

    @Test func duplicateRoutesAreRefused() {
        #expect(throws: Router.DuplicateRoute.self) {
            try Router([Route(.get, "/a/:x", access: .anyone, handler: ok), Route(.get, "/a/:x", access: .anyone, handler: ok)])
        }
    }
}

@Suite struct DecodingTests {
    @Test func queryIsDecodedInOrder() throws {
        let query = try QueryParameters(parsing: "q=K%C3%BCche+und+Bad&tag=a&tag=b&flag")
        #expect(query["q"] == "Küche und Bad")
        #expect(query.values("tag") == ["a", "b"])
        #expect(query["flag"] == "")
    }

    @Test func malformedEscapesAreBadRequests() {
        for bad in ["%", "%4", "%zz", "%C3", "%00"] {
            #expect(throws: HTTPError.self, "\(bad)") { try QueryParameters(parsing: "q=\(bad)") }
        }
    }
}
