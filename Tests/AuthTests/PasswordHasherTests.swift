import Auth
import Testing

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(logRounds: 10)

    @Test func verifiesOnlyTheRightPassword() throws {
        let stored = try hasher.hash("Korrektes Pferd Batterie")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(hasher.verify("Korrektes Pferd Batterie", against: stored))
        #expect(!hasher.verify("korrektes Pferd Batterie", against: stored))
        #expect(try hasher.hash("Korrektes Pferd Batterie") != stored, "salted")
    }

    @Test func malformedStoredValuesNeverVerify() {
        for stored in ["", "$scrypt$", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "$bcrypt$x$y$z", "plain"] {
            #expect(!hasher.verify("anything", against: stored))
        }
    }

    @Test func weakerParametersAskForRehash() throws {
        let weak = try PasswordHasher(logRounds: 10).hash("geheimgeheim")
        #expect(PasswordHasher(logRounds: 12).needsRehash(weak))
        #expect(!PasswordHasher(logRounds: 10).needsRehash(weak))
    }
}
