import Foundation
import Node
import NodeCore
import Registry
import Testing

@Suite struct APIErrorTests {
    @Test func failuresWhoseWriteMayHaveHappenedAskForARetryWithTheSameKey() {
        let retryable: [ClientFailure] = [.noLeader(4001), .notLeader(4001, leaderHint: 2), .timedOut(outcomeUnknown: true), .outcomeUnknown("x"), .superseded]
        for failure in retryable {
            let error = APIError(failure: failure)
            #expect(error.status == .serviceUnavailable, "\(failure)")
            #expect(error.retryAfterSeconds == APIError.retryAfterSeconds, "\(failure)")
            #expect(error.message.contains("same Idempotency-Key"), "\(failure)")
            #expect(error.code == failure.code)
        }
        #expect(APIError(failure: .unknownGroup(9)).status == .notFound)
        #expect(APIError(failure: .overloaded("busy")).code == "overloaded")
        #expect(APIError(failure: .storage("disk")).status == .internalServerError)
    }

    @Test func theMinuteOfAnInstantIsItsUTCMinute() {
        let stamp = Timestamp.minute(of: Date(timeIntervalSince1970: 1_767_225_599))  // 2025-12-31T23:59:59Z
        #expect(stamp.isoString == "2025-12-31T23:59Z")
        #expect(Timestamp.minute(of: Date(timeIntervalSince1970: 0)).isoString == "1970-01-01T00:00Z")
    }
}
