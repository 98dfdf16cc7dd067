import Registry

/// The legal delay of a declaration (law 37-99): within 30 days of the birth or death, one year
/// when the event happened abroad; later, only on a declaratory judgment.
public enum DeclarationDeadline {
    /// The last day a declaration of `event` is on time.
    public static func lastDay(event: DeclaredEvent) -> GregorianDate {
        event.eventDate.adding(days: event.occurredAbroad ? RegistryLimits.declarationDelayAbroadDays : RegistryLimits.declarationDelayDays)
    }

    /// Whether a declaration of `event` made on `date` is late.
    public static func isLate(_ event: DeclaredEvent, declaredOn date: GregorianDate) -> Bool {
        lastDay(event: event) < date
    }

    /// The violations of the delay rule for a declaration made on `date`: an event in the
    /// future, or a late declaration without a judgment.
    public static func violations(_ event: DeclaredEvent, declaredOn date: GregorianDate) -> [ServiceViolation] {
        let field = event.kind == .birth ? "event.birthDate" : "event.deathDate"
        if date < event.eventDate {
            return [ServiceViolation("declaration.event_in_future", field, "the event (\(event.eventDate.isoString)) is after the declaration (\(date.isoString))")]
        }
        if isLate(event, declaredOn: date) && event.judgment == nil {
            let limit = event.occurredAbroad ? "one year (abroad)" : "30 days"
            return [ServiceViolation("declaration.late_without_judgment", "declaratoryJudgment",
                                     "declared \(event.eventDate.days(until: date)) days after the event, more than \(limit): a late declaration needs the reference of a declaratory judgment")]
        }
        return []
    }
}
