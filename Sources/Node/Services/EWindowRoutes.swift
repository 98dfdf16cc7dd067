import Foundation
import Hummingbird
import Registry
import Services

/// The e-window's routes: citizens order, pay and follow copies without an account (the
/// reference is their key); officers of the office work the queue; anyone verifies a copy by
/// its code.
struct EWindowRoutes: Sendable {
    let desk: EWindowDesk
    let access: AccessControl

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/e-window/requests") { request, _ in
            let id = try RequestParsing.requestID(request)
            let body = try await RequestParsing.decodeBody(CopyRequestBody.self, from: request, limit: APILimits.actBodyBytesMax)
            let created = try await desk.submit(body, id: id, request: request)
            return HTTPResponses.json(created, status: .created, headers: [.location: "/v1/e-window/requests/\(created.reference)"])
        }
        router.get("/v1/e-window/requests/:reference") { _, context in
            HTTPResponses.json(try await desk.status(try Self.reference(context)))
        }
        router.post("/v1/e-window/requests/:reference/payment") { request, context in
            let reference = try Self.reference(context)
            let body = try await RequestParsing.decodeBody(PaymentBody.self, from: request, limit: APILimits.adminBodyBytesMax)
            let (paid, result) = try await desk.pay(reference, cardNumber: body.cardNumber, request: request)
            let status: HTTPResponse.Status
            switch result {
            case .authorised: status = .ok
            case .declined: status = HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
            case .timedOut: status = .gatewayTimeout
            }
            return HTTPResponses.json(PaymentResponse(request: paid, result: result), status: status)
        }
        router.get("/v1/offices/:office/copy-requests") { request, context in
            let caller = try access.authenticate(request)
            let office = try Self.office(context)
            let status: CopyRequestStatus = try RequestParsing.option(request, "status", default: .paid)
            return HTTPResponses.json(try await desk.queue(office: office, status: status, caller: caller, request: request))
        }
        router.post("/v1/offices/:office/copy-requests/:id/issue") { request, context in
            let caller = try access.authenticate(request)
            let (issued, copy) = try await desk.issue(try Self.officeReference(context), caller: caller, request: request)
            return HTTPResponses.json(IssueResponse(request: issued, copy: copy))
        }
        router.post("/v1/offices/:office/copy-requests/:id/dispatch") { request, context in
            let caller = try access.authenticate(request)
            let body = try await RequestParsing.decodeBody(DispatchBody.self, from: request, limit: APILimits.adminBodyBytesMax)
            return HTTPResponses.json(try await desk.dispatch(try Self.officeReference(context), tracking: body.trackingNumber, caller: caller, request: request))
        }
        router.post("/v1/offices/:office/copy-requests/:id/delivery") { request, context in
            let caller = try access.authenticate(request)
            return HTTPResponses.json(try await desk.deliver(try Self.officeReference(context), caller: caller, request: request))
        }
        router.get("/v1/copies/by-code/:code") { _, context in
            HTTPResponses.json(try await desk.verify(code: context.parameters.get("code") ?? ""))
        }
    }

    static func reference(_ context: BasicRequestContext) throws(APIError) -> ServiceReference {
        guard let text = context.parameters.get("reference"), let reference = ServiceReference(text) else {
            throw APIError.badRequest("invalid_reference", "a reference is <office>-<32 hex digits>", field: "reference")
        }
        return reference
    }

    static func office(_ context: BasicRequestContext) throws(APIError) -> OfficeCode {
        guard let office = context.parameters.get("office").flatMap(OfficeCode.init) else {
            throw APIError.badRequest("invalid_parameter", "office must be 7 digits", field: "office")
        }
        return office
    }

    static func officeReference(_ context: BasicRequestContext) throws(APIError) -> ServiceReference {
        guard let id = context.parameters.get("id").flatMap(RequestID.init(hex:)) else {
            throw APIError.badRequest("invalid_reference", "the id is 32 hex digits", field: "id")
        }
        return ServiceReference(office: try office(context), id: id)
    }
}

/// Preliminary declarations: filed by citizens and health facilities, reviewed by officers.
struct DeclarationRoutes: Sendable {
    let desk: DeclarationDesk
    let access: AccessControl

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/declarations") { request, _ in
            let caller = try access.optionalCaller(request)
            let id = try RequestParsing.requestID(request)
            let body = try await RequestParsing.decodeBody(DeclarationBody.self, from: request, limit: APILimits.actBodyBytesMax)
            let filed = try await desk.file(body, id: id, caller: caller, request: request)
            return HTTPResponses.json(filed, status: .created, headers: [.location: "/v1/declarations/\(filed.reference)"])
        }
        router.get("/v1/declarations/:reference") { _, context in
            HTTPResponses.json(try await desk.status(try EWindowRoutes.reference(context)))
        }
        router.get("/v1/offices/:office/declarations") { request, context in
            let caller = try access.authenticate(request)
            let status: DeclarationStatus = try RequestParsing.option(request, "status", default: .pending)
            return HTTPResponses.json(try await desk.queue(office: try EWindowRoutes.office(context), status: status, caller: caller, request: request))
        }
        router.post("/v1/offices/:office/declarations/:id/register") { request, context in
            let caller = try access.authenticate(request)
            let body = try await RequestParsing.decodeBody(RegisterDeclarationBody.self, from: request, limit: APILimits.adminBodyBytesMax)
            return HTTPResponses.json(try await desk.register(try EWindowRoutes.officeReference(context), judgment: body.judgment, caller: caller, request: request))
        }
        router.post("/v1/offices/:office/declarations/:id/reject") { request, context in
            let caller = try access.authenticate(request)
            let body = try await RequestParsing.decodeBody(RejectDeclarationBody.self, from: request, limit: APILimits.adminBodyBytesMax)
            return HTTPResponses.json(try await desk.reject(try EWindowRoutes.officeReference(context), reason: body.reason, caller: caller, request: request))
        }
    }
}
