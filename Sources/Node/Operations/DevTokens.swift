import Foundation
import Registry
import Services

/// The tokens of the `sijil dev` tour, one per role, minted with the cluster's token key and
/// written to `tokens/<name>.token` in the cluster directory (readable only by their owner).
public enum DevTokens {
    /// How long the tour's tokens live: a working day.
    public static let lifetimeSeconds: UInt64 = 12 * 3_600

    /// One token of the tour.
    public struct Issued: Sendable {
        /// The file name without extension.
        public var name: String
        /// What the holder may do.
        public var description: String
        /// The token.
        public var token: String
    }

    /// The tour's claims, by name.
    public static func claims(regionCode: UInt8, now: Date = Date()) -> [(name: String, description: String, claims: AccessClaims)] {
        let life = lifetimeSeconds
        return [
            ("officer", "officer of office 0401003 (Rabat, Hassan)",
             TokenKey.claims(subject: "OEC-0401003-01", role: .officer, office: OfficeCode(401003), nameLatin: "Said Idrissi",
                             nameArabic: "سعيد الإدريسي", lifetimeSeconds: life, now: now)),
            ("registrar", "registrar of region \(regionCode)",
             TokenKey.claims(subject: "REG-\(regionCode)-01", role: .registrar, region: RegionCode(regionCode), nameLatin: "Nadia Bennani",
                             nameArabic: "نادية بناني", lifetimeSeconds: life, now: now)),
            ("partner", "partner CNSS: vitalStatus, pensionFile, deathNotifications",
             TokenKey.claims(subject: "CNSS", role: .partner, purposes: [.vitalStatus, .pensionFile, .deathNotifications], lifetimeSeconds: life, now: now)),
            ("health-facility", "health facility CHU Ibn Sina: electronic pre-declarations",
             TokenKey.claims(subject: "CHU Ibn Sina", role: .partner, purposes: [.healthFacilityDeclaration], lifetimeSeconds: life, now: now)),
            ("auditor", "auditor at the national centre",
             TokenKey.claims(subject: "AUD-CNSD-01", role: .auditor, lifetimeSeconds: life, now: now)),
            ("operator", "cluster operator",
             TokenKey.claims(subject: "OPS-01", role: .operator, lifetimeSeconds: life, now: now)),
        ]
    }

    /// Mints the tour's tokens and writes them under `tokens/`.
    @discardableResult
    public static func write(layout: ClusterLayout, now: Date = Date()) throws -> [Issued] {
        let key = try TokenKey(path: layout.tokenKeyPath)
        let regionCode = layout.topology.regions.first?.code ?? 4
        var issued: [Issued] = []
        for (name, description, claims) in claims(regionCode: regionCode, now: now) {
            let token = try key.issue(claims)
            try CertificateFiles.write(token + "\n", to: layout.directory + "/tokens/\(name).token", secret: true)
            issued.append(Issued(name: name, description: description, token: token))
        }
        return issued
    }

    /// A fresh token of the tour's role `name` (e.g. "operator"), for the CLI and tests.
    public static func token(_ name: String, layout: ClusterLayout, now: Date = Date()) throws -> String {
        let regionCode = layout.topology.regions.first?.code ?? 4
        guard let entry = claims(regionCode: regionCode, now: now).first(where: { $0.name == name }) else {
            throw NodeConfiguration.Problem(description: "no tour token named \(name)")
        }
        return try TokenKey(path: layout.tokenKeyPath).issue(entry.claims)
    }
}
