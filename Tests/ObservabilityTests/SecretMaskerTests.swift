import Foundation
import Logging
import Testing
@testable import Observability

@Suite struct SecretMaskerTests {
    @Test func sensitiveKeysAreMatchedByFragmentAndCase() {
        for key in ["password", "Password", "temporary_password", "passwd", "csrf_token", "X-CSRF-Token",
                    "api_key", "apiKey", "X-Api-Key", "Authorization", "Set-Cookie", "session_id",
                    "otp", "totp_code", "recovery_code", "master_key", "client_secret", "smtp_app_password"] {
            #expect(SecretMasker.isSensitive(key: key), "\(key) must be sensitive")
        }
        for key in ["key", "sort_key", "monkey", "email", "company_name", "query", "user", "path"] {
            #expect(!SecretMasker.isSensitive(key: key), "\(key) must not be sensitive")
        }
    }

    @Test func valuesAreMaskedByKeyAndOrdinaryValuesKept() {
        #expect(SecretMasker.maskValue(forKey: "password", value: "hunter2") == "***")
        #expect(SecretMasker.maskValue(forKey: "key", value: "visible") == "visible")
        #expect(SecretMasker.maskValue(forKey: "company_name", value: "ООО Ромашка") == "ООО Ромашка")
        // An innocent key can still carry an embedded secret.
        #expect(SecretMasker.maskValue(forKey: "note", value: "use token=abc") == "use token=***")
    }

    @Test func formBodiesAndQueryStrings() {
        #expect(SecretMasker.maskFormEncoded("a=1&password=x&b=2") == "a=1&password=***&b=2")
        #expect(SecretMasker.maskFormEncoded("?next=%2Fhome&token=abc") == "?next=%2Fhome&token=***")
        #expect(SecretMasker.maskFormEncoded("email=anna%40a.ru&csrf_token=zz&company_name=%D0%90") ==
            "email=anna%40a.ru&csrf_token=***&company_name=%D0%90")
        #expect(SecretMasker.maskFormEncoded("key=visible&sort=asc") == "key=visible&sort=asc")
        #expect(SecretMasker.maskFormEncoded("flag&empty=&password=") == "flag&empty=&password=***")
        #expect(SecretMasker.maskFormEncoded("") == "")
    }

    @Test func formKeysAreDecodedBeforeMatching() {
        #expect(SecretMasker.maskFormEncoded("pass%77ord=hunter2&x=1") == "pass%77ord=***&x=1")
        #expect(SecretMasker.maskFormEncoded("csrf%5Ftoken=zz") == "csrf%5Ftoken=***")
        #expect(SecretMasker.maskFormEncoded("user+password=zz") == "user+password=***", "+ is a space")
        #expect(SecretMasker.maskFormEncoded("PASSWORD=zz") == "PASSWORD=***")
        // Malformed escapes do not crash and do not hide the key.
        #expect(SecretMasker.maskFormEncoded("password%zz=1&a=%") == "password%zz=***&a=%")
    }

    @Test func credentialHeaders() {
        let masked = SecretMasker.maskHeaders([
            ("Authorization", "Bearer abc.def.ghi"),
            ("Proxy-Authorization", "Basic dXNlcjpwYXNz"),
            ("Cookie", "sid=1; theme=dark"),
            ("Set-Cookie", "session=s3; HttpOnly"),
            ("X-Api-Key", "k-123"),
            ("X-CSRF-Token", "t-456"),
            ("Accept", "text/html"),
            ("Referer", "https://x.ru/reset?token=abc"),
        ]).map { "\($0.0): \($0.1)" }
        #expect(masked == [
            "Authorization: Bearer ***",
            "Proxy-Authorization: Basic ***",
            "Cookie: ***",
            "Set-Cookie: ***",
            "X-Api-Key: ***",
            "X-CSRF-Token: ***",
            "Accept: text/html",
            "Referer: https://x.ru/reset?token=***",
        ])
    }

    @Test func nestedJSONIsMaskedAtEveryDepth() throws {
        let input = """
        {"user":{"name":"Anna","password":"p"},"key":"visible","count":2,
         "items":[{"token":"t","id":1},{"nested":[{"secret":{"deep":1},"label":"ok"}]}]}
        """
        let data = try #require(SecretMasker.maskJSON(Data(input.utf8)))
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\"p\"") && !text.contains("\"t\"") && !text.contains("deep"))
        let root = try jsonObject(text)
        let user = try #require(root["user"] as? [String: Any])
        #expect(user["password"] as? String == "***")
        #expect(user["name"] as? String == "Anna")
        #expect(root["key"] as? String == "visible")
        #expect(root["count"] as? Int == 2)
        let items = try #require(root["items"] as? [[String: Any]])
        #expect(items[0]["token"] as? String == "***")
        #expect(items[0]["id"] as? Int == 1)
        let nested = try #require(items[1]["nested"] as? [[String: Any]])
        #expect(nested[0]["secret"] as? String == "***", "a whole object under a secret key is masked")
        #expect(nested[0]["label"] as? String == "ok")
    }

    @Test func jsonEdgeCases() throws {
        #expect(SecretMasker.maskJSON(Data("not json".utf8)) == nil)
        let array = try #require(SecretMasker.maskJSON(Data(#"[{"otp":"123456"},"plain"]"#.utf8)))
        #expect(String(decoding: array, as: UTF8.self) == #"[{"otp":"***"},"plain"]"#)
        // A top-level scalar has no keys: returned as is.
        #expect(SecretMasker.maskJSON(Data(#""just text""#.utf8)) == Data(#""just text""#.utf8))
        // The parsed-value form.
        let value = SecretMasker.maskJSONValue(["a": ["b": ["api_key": "k"]]] as [String: Any])
        let a = (value as? [String: Any])?["a"] as? [String: Any]
        let b = a?["b"] as? [String: Any]
        #expect(b?["api_key"] as? String == "***")
    }

    @Test func metadataIsMaskedRecursively() {
        let metadata: Logger.Metadata = [
            "password": "x",
            "user": "anna",
            "key": "visible",
            "ctx": .dictionary([
                "session_id": "s",
                "inner": .array([.dictionary(["otp": "123"]), .string("ok")]),
            ]),
            "url": "/reset?token=abc",
            "tokens": .array(["a", "b"]),
        ]
        let masked = SecretMasker.maskMetadata(metadata)
        #expect(masked["password"] == Logger.MetadataValue.string("***"))
        #expect(masked["user"] == Logger.MetadataValue.string("anna"))
        #expect(masked["key"] == Logger.MetadataValue.string("visible"))
        #expect(masked["ctx"] == Logger.MetadataValue.dictionary([
            "session_id": .string("***"),
            "inner": .array([.dictionary(["otp": .string("***")]), .string("ok")]),
        ]))
        #expect(masked["url"] == Logger.MetadataValue.string("/reset?token=***"), "string leaves get free-text masking")
        #expect(masked["tokens"] == Logger.MetadataValue.string("***"), "an array under a secret key is masked whole")
    }

    @Test func freeTextPatterns() {
        let cases: [(String, String)] = [
            ("login failed for anna token=abc123 retry", "login failed for anna token=*** retry"),
            (#"payload {"password":"p@ss \"q\"","name":"Anna"}"#, #"payload {"password":"***","name":"Anna"}"#),
            ("Authorization: Bearer eyJhbGciOi.x.y sent", "Authorization: Bearer *** sent"),
            ("header was Bearer abc", "header was Bearer ***"),
            ("connecting to postgres://app:s3cr3t@db:5432/sales", "connecting to postgres://app:***@db:5432/sales"),
            ("api_key = 'abc def' then", "api_key = '***' then"),
            (#"secret={"a":[1,2]} rest"#, #"secret="***" rest"#),
            ("password=пароль123 ok", "password=*** ok"),
            ("form.csrf_token=zz&form.email=a@b.ru", "form.csrf_token=***&form.email=a@b.ru"),
            ("url=/x?session=abc&page=2", "url=/x?session=***&page=2"),
        ]
        for (input, expected) in cases {
            #expect(SecretMasker.maskFreeText(input) == expected)
        }
    }

    @Test func freeTextLeavesOrdinaryTextAlone() {
        for text in ["user=anna key=visible count: 5", "Привет, мир: всё хорошо", "started in 12ms", "",
                     "see https://example.com/docs?page=2", "at 10:30 the keychain was fine"] {
            #expect(SecretMasker.maskFreeText(text) == text)
        }
    }

    @Test func maskingIsIdempotent() {
        for text in ["token=abc", #"{"password":"p"}"#, "postgres://u:p@h/db", "Bearer xyz", "api_key = 'a b'", #"secret={"a":1}"#] {
            let once = SecretMasker.maskFreeText(text)
            #expect(once != text)
            #expect(SecretMasker.maskFreeText(once) == once)
        }
        #expect(SecretMasker.maskFormEncoded(SecretMasker.maskFormEncoded("a=1&password=x")) == "a=1&password=***")
    }
}
