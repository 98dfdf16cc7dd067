import Registry

/// Where a copy is sent by registered mail (in Morocco or abroad).
public struct DeliveryAddress: Hashable, Sendable, Codable {
    /// The addressee.
    public var recipient: String
    /// Street and number.
    public var street: String
    /// City.
    public var city: String
    /// Postal code.
    public var postalCode: String
    /// ISO 3166 alpha-2 country code; "MA" is Morocco.
    public var country: String

    /// Creates an address.
    public init(recipient: String, street: String, city: String, postalCode: String, country: String) {
        self.recipient = recipient
        self.street = street
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }

    /// Whether the copy goes abroad (postage differs).
    public var isAbroad: Bool { country != "MA" }

    /// Every problem with the address, each naming its field.
    public func violations() -> [ServiceViolation] {
        var v: [ServiceViolation] = []
        for (field, value) in [("delivery.recipient", recipient), ("delivery.street", street), ("delivery.city", city)] {
            if value.allSatisfy(\.isWhitespace) || value.utf8.count > ServiceLimits.textBytesMax {
                v.append(ServiceViolation("address.invalid", field, "\(field) must be 1 to \(ServiceLimits.textBytesMax) bytes"))
            }
        }
        if postalCode.utf8.count > 16 {
            v.append(ServiceViolation("address.invalid", "delivery.postalCode", "a postal code is at most 16 characters"))
        }
        if country.count != 2 || !country.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            v.append(ServiceViolation("address.invalid", "delivery.country", "the country is a two-letter ISO code (MA for Morocco)"))
        }
        return v
    }
}

extension DeliveryAddress: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(recipient)
        writer.write(street)
        writer.write(city)
        writer.write(postalCode)
        writer.write(country)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        recipient = try reader.readString()
        street = try reader.readString()
        city = try reader.readString()
        postalCode = try reader.readString()
        country = try reader.readString()
    }
}
