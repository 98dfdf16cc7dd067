import Testing
@testable import Raft
@Test func placeholder() { #expect(1 + 1 == 2) }
