import Foundation
import Node
import Registry
import Services
import Testing

/// The whole path through the web console in headless Chromium, on a cluster of real node
/// processes (three regional nodes and the centre, HTTPS): a citizen declares a birth, an
/// officer draws up the act, a citizen orders a copy and pays (a declined card first), the
/// officer issues, dispatches and confirms delivery, the citizen follows the request and
/// verifies the copy by its code; the Arabic pages read right to left; the operator watches the
/// cluster and the statistics. Skipped where Chromium is not installed.
@Suite(.serialized) struct ConsoleBrowserTests {
    @Test(.enabled(if: HeadlessBrowser.executable != nil, "headless Chromium is not installed (Cluster/install-deps.sh --with-browser installs it)"))
    func aDeclarationBecomesAnActWhoseCopyIsOrderedPaidIssuedDispatchedDeliveredAndVerified() async throws {
        let cluster = try await TestCluster.start()
        let browser: HeadlessBrowser
        do { browser = try HeadlessBrowser() } catch {
            await cluster.stop()
            throw error
        }
        do {
            try await walk(cluster, browser)
        } catch {
            let page = (try? browser.evaluate("document.body ? document.body.innerText.slice(0, 2000) : ''")) as? String ?? ""
            Issue.record("the page showed:\n\(page)\nnode logs:\n\(cluster.logTail())")
            browser.close()
            await cluster.stop()
            throw error
        }
        browser.close()
        await cluster.stop()
    }

    func walk(_ cluster: TestCluster, _ browser: HeadlessBrowser) async throws {
        let layout = cluster.layout
        let site = "https://\(layout.topology.nodes[0].http)/console"
        let born = GregorianDate(daysSinceEpoch: Timestamp.minute(of: Date()).date.daysSinceEpoch - 2)

        // A citizen declares a birth.
        try browser.open("\(site)/fr/declare")
        #expect(try browser.evaluate("document.documentElement.lang") as? String == "fr")
        try browser.submit(fields: [
            "office": "0401003", "child_given_ar": "ياسين", "child_given_lat": "Yassine", "family_ar": "العلوي", "family_lat": "El Alaoui",
            "sex": "male", "birth_date": born.isoString, "birth_time": "04:15", "place_ar": "الرباط", "place_lat": "Rabat",
            "father_given_ar": "أحمد", "father_given_lat": "Ahmed", "mother_given_ar": "فاطمة", "mother_given_lat": "Fatima",
            "mother_family_ar": "بناني", "mother_family_lat": "Bennani", "declarant": "Ahmed El Alaoui",
        ], button: "form button[type=submit]")
        #expect(try browser.text("#outcome") == "Déclaration enregistrée")
        let declaration = try browser.text("#reference")
        let declarationReference = try #require(ServiceReference(declaration), "a reference is shown: \(declaration)")

        // The officer of the office signs in and draws up the act.
        try browser.open("\(site)/fr/login")
        try browser.submit(fields: ["token": try DevTokens.token("officer", layout: layout)], button: "form button[type=submit]")
        #expect(try browser.evaluate("location.pathname") as? String == "/console/fr/officer")
        #expect(try browser.text("#declarations").contains(declaration))
        try browser.submit(fields: [:], button: "form[action$=\"/officer/register/\(declaration)\"] button")
        #expect(try !browser.text("main").contains(declaration), "the declaration left the queue")

        let http = try HTTPSClient(caCertificatePath: layout.caCertificatePath)
        let reviewed = try await http.send("GET", layout.topology.nodes[1].http, "/v1/declarations/\(declarationReference)").decode(PreliminaryDeclaration.self)
        #expect(reviewed.status == .registered)
        let act = try #require(reviewed.registeredAct)

        // A citizen orders an extract and pays: a declined card first, then a good one.
        try browser.open("\(site)/fr/request-copy")
        try browser.submit(fields: [
            "act": act.path, "form": "extract", "language": "french", "copies": "1", "relation": "other", "requester_name": "Ahmed El Alaoui",
            "recipient": "Ahmed El Alaoui", "street": "12 avenue Mohammed V", "city": "Rabat", "postal_code": "10000", "country": "MA",
        ], button: "form button[type=submit]")
        #expect(try browser.text("#fee") == "20,00 MAD")
        let reference = try browser.text("#reference")
        try browser.submit(fields: ["card": LocalPaymentProvider.declinedCard], button: "form[action*=\"/pay/\"] button")
        #expect(try browser.text("#outcome").hasPrefix("Paiement refusé"))
        #expect(try browser.text("#status") == "En attente de paiement")
        try browser.submit(fields: ["card": LocalPaymentProvider.goodCard], button: "form[action*=\"/pay/\"] button")
        #expect(try browser.text("#outcome") == "Paiement autorisé")

        // The officer issues the copy, dispatches it and confirms the delivery.
        try browser.open("\(site)/fr/officer")
        #expect(try browser.text("#requests-paid").contains(reference))
        try browser.submit(fields: [:], button: "form[action$=\"/officer/issue/\(reference)\"] button")
        #expect(try browser.text("#requests-issued").contains(reference))
        try browser.submit(fields: ["tracking": "RR123456789MA"], button: "form[action$=\"/officer/dispatch/\(reference)\"] button")
        #expect(try browser.text("#requests-dispatched").contains(reference))
        try browser.submit(fields: [:], button: "form[action$=\"/officer/deliver/\(reference)\"] button")

        // The citizen follows the request and verifies the copy by its code.
        try browser.open("\(site)/fr/track?reference=\(reference)")
        #expect(try browser.text("#status") == "Livrée")
        #expect(try browser.text("#tracking") == "RR123456789MA")
        let code = try browser.text("#code")
        #expect(code.count == 10)
        try browser.open("\(site)/fr/verify?code=\(code)")
        #expect(try browser.text("#outcome") == "Copie authentique : la signature électronique est valide")
        #expect(try browser.text("main").contains("Yassine"))
        try browser.open("\(site)/fr/verify?code=ABCDEFGHJK")
        #expect(try browser.text("#outcome") == "Copie non reconnue")

        // The same request in Arabic, right to left.
        try browser.open("\(site)/ar/track?reference=\(reference)")
        #expect(try browser.evaluate("document.documentElement.dir") as? String == "rtl")
        #expect(try browser.evaluate("document.documentElement.lang") as? String == "ar")
        #expect(try browser.text("#status") == "تم التسليم")

        // The operator's dashboard and the vital statistics.
        try browser.open("\(site)/fr/login")
        try browser.submit(fields: ["token": try DevTokens.token("operator", layout: layout)], button: "form button[type=submit]")
        #expect(try browser.evaluate("location.pathname") as? String == "/console/fr/dashboard")
        #expect(try browser.evaluate("document.querySelectorAll('#groups tr').length") as? Int == 1 + layout.topology.regions[0].shards.count)
        #expect(try browser.evaluate("document.querySelector('meta[http-equiv=refresh]') !== null") as? Bool == true)
        let activity = try browser.text("#activity")
        #expect(activity.contains("0401003"))
        try browser.open("\(site)/fr/statistics")
        #expect(try (browser.evaluate("document.querySelectorAll('svg rect.births').length") as? Int ?? 0) >= 1)
        // An officer's page is not the operator's: the policy refuses, on the page.
        try browser.open("\(site)/fr/officer?office=0401003")
        #expect(try browser.text("main").contains("auth.role_not_permitted"))
    }
}
