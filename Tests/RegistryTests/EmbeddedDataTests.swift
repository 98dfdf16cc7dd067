import Foundation
import Testing
@testable import Registry

/// The embedded tables must be exactly the committed data files, so that
/// Sources/Registry/ReferenceData/generate-reference-data.sh has been run after every edit.
@Suite struct EmbeddedDataTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [("regions", ReferenceDataTables.regions), ("provinces", ReferenceDataTables.provinces), ("offices", ReferenceDataTables.offices)])
    func embeddedTableEqualsTheDataFile(name: String, embedded: String) throws {
        let file = Self.repository.appendingPathComponent("Sources/Registry/ReferenceData/tables/\(name).tsv")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == embedded + "\n", "run Sources/Registry/ReferenceData/generate-reference-data.sh")
    }
}
