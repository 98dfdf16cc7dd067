import Node
import Testing

@Suite struct InFlightCounterTests {
    @Test func refusesBeyondTheLimitAndFreesSlotsOnLeave() {
        let counter = InFlightCounter(limit: 2)
        #expect(counter.enter())
        #expect(counter.enter())
        #expect(!counter.enter())
        #expect(counter.inFlight == 2)
        counter.leave()
        #expect(counter.enter())
        #expect(counter.inFlight == 2)
    }
}
