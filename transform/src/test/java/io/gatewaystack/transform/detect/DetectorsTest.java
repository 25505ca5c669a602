package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DetectorsTest {

    private final ContentScanner scanner = new ContentScanner(BuiltinDetectors.all("US"), List.of());

    private List<String> types(String text) {
        return scanner.scan(text).stream().map(Finding::type).toList();
    }

    private String found(String text, String type) {
        return scanner.scan(text).stream().filter(f -> f.type().equals(type)).map(f -> text.substring(f.start(), f.end()))
                .findFirst().orElse(null);
    }

    @Test
    void emails() {
        assertThat(found("mail john.doe+x@mail.example.co.uk now", "email")).isEqualTo("john.doe+x@mail.example.co.uk");
        assertThat(found("(alice@example.com).", "email")).isEqualTo("alice@example.com");
        assertThat(types("john@localhost and @handle and a@b.c")).doesNotContain("email");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444",
            "2223003122003222", "378282246310005", "6011111111111117", "30569309025904", "3530111333300000",
            "6200000000000005"})
    void luhnValidCardsOfEveryBrand(String card) {
        assertThat(found("card " + card + " exp 12/29", "credit_card")).isEqualTo(card);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "1234567812345678", "4111 1111 1111 111", "41111111111111111111"})
    void luhnInvalidOrUnknownCardsAreNotCards(String card) {
        assertThat(types("card " + card)).doesNotContain("credit_card");
    }

    @Test
    void ssnWithInvalidRanges() {
        assertThat(found("ssn 123-45-6789.", "ssn")).isEqualTo("123-45-6789");
        for (String bad : List.of("000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "123-45-6789-1")) {
            assertThat(types("ssn " + bad)).as(bad).doesNotContain("ssn");
        }
    }

    @Test
    void ibans() {
        assertThat(found("pay to DE89370400440532013000 today", "iban")).isEqualTo("DE89370400440532013000");
        assertThat(found("IBAN: GB82 WEST 1234 5698 7654 32", "iban")).isEqualTo("GB82 WEST 1234 5698 7654 32");
        assertThat(types("DE89370400440532013001")).doesNotContain("iban");
        assertThat(types("DE8937040044053201300")).doesNotContain("iban");
        assertThat(types("XX89370400440532013000")).doesNotContain("iban");
    }

    @Test
    void ipv4AndVersionStrings() {
        assertThat(found("server at 192.168.1.20, ok", "ip_address")).isEqualTo("192.168.1.20");
        assertThat(found("10.0.0.1", "ip_address")).isEqualTo("10.0.0.1");
        for (String notIp : List.of("1.2.3.4.5", "version 1.2.3.4", "v1.2.3.4", "release 10.0.0.1", "256.1.1.1",
                "01.2.3.4", "1.2.3")) {
            assertThat(types("see " + notIp + " here")).as(notIp).doesNotContain("ip_address");
        }
    }

    @Test
    void ipv6() {
        assertThat(found("host 2001:db8::1 up", "ip_address")).isEqualTo("2001:db8::1");
        assertThat(found("fe80::1ff:fe23:4567:890a", "ip_address")).isEqualTo("fe80::1ff:fe23:4567:890a");
        assertThat(found("loopback ::1.", "ip_address")).isEqualTo("::1");
        assertThat(found("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "ip_address")).isEqualTo("2001:0db8:85a3:0000:0000:8a2e:0370:7334");
        assertThat(types("std::map and 12:30:45 and a::b")).doesNotContain("ip_address");
    }

    @Test
    void datesOfBirthOnlyWithContext() {
        assertThat(found("born on 1990-05-17", "date_of_birth")).isEqualTo("1990-05-17");
        assertThat(found("DOB: 05/17/1990", "date_of_birth")).isEqualTo("05/17/1990");
        assertThat(found("geb. 17.05.1990", "date_of_birth")).isEqualTo("17.05.1990");
        assertThat(found("Date of birth 3/4/1985", "date_of_birth")).isEqualTo("3/4/1985");
        assertThat(types("meeting on 2024-05-17")).doesNotContain("date_of_birth");
        assertThat(types("invoice date 05/17/1990")).doesNotContain("date_of_birth");
        assertThat(types("born 1990-13-45")).doesNotContain("date_of_birth");
        assertThat(types("reborn 1990-05-17")).doesNotContain("date_of_birth");
    }

    @Test
    void phones() {
        assertThat(found("call +44 20 7946 0958 now", "phone")).isEqualTo("+44 20 7946 0958");
        assertThat(found("call (650) 253-0000", "phone")).isEqualTo("(650) 253-0000");
        assertThat(found("call +16502530000", "phone")).isEqualTo("+16502530000");
        assertThat(found("call 650-253-0000", "phone")).isEqualTo("650-253-0000");
        assertThat(types("order 1234567 and 2024-05-17 and 3.14159")).doesNotContain("phone");
    }

    @Test
    void germanNationalNumbersWithAGermanDefaultRegion() {
        ContentScanner de = new ContentScanner(BuiltinDetectors.all("DE"), List.of());
        assertThat(de.scan("Tel. 030 12345678").stream().map(Finding::type)).contains("phone");
    }

    @Test
    void passportMrzWithCheckDigits() {
        String mrz = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        assertThat(found("P<UTOERIKSSON<<ANNA<MARIA\n" + mrz, "passport_mrz")).isEqualTo(mrz);
        assertThat(types(mrz.replace("7408122", "7408123"))).doesNotContain("passport_mrz");
    }

    @Test
    void vendorTokens() {
        assertThat(found("key AKIAIOSFODNN7EXAMPLE", "aws_access_key")).isEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(found("ASIAIOSFODNN7EXAMPLE", "aws_access_key")).isNotNull();
        assertThat(types("AKIAIOSFODNN7EXAMPL")).doesNotContain("aws_access_key");
        String gcp = "AIza" + "SyD-abcdefghijklmnopqrstuvwxyz01234";
        assertThat(found(gcp, "gcp_api_key")).isEqualTo(gcp);
        String ghp = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        assertThat(found("token " + ghp, "github_token")).isEqualTo(ghp);
        String pat = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW";
        assertThat(found(pat, "github_token")).isEqualTo(pat);
        assertThat(found("glpat-abcdefghij0123456789", "gitlab_token")).isEqualTo("glpat-abcdefghij0123456789");
        assertThat(found("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack_token")).isNotNull();
        String openai = "sk-proj-" + "Ab1".repeat(16);
        assertThat(found(openai, "openai_api_key")).isEqualTo(openai);
        assertThat(found("sk-" + "Ab1".repeat(16), "openai_api_key")).isNotNull();
        String anthropic = "sk-ant-api03-" + "Xy9_".repeat(20);
        assertThat(found(anthropic, "anthropic_api_key")).isEqualTo(anthropic);
        assertThat(types("task-list and sk-short and ghp_tooshort")).isEmpty();
    }

    @Test
    void jwts() {
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String jwt = header + "." + b64("{\"sub\":\"u1\"}") + ".c2lnbmF0dXJl";
        assertThat(found("Bearer " + jwt + " ok", "jwt")).isEqualTo(jwt);
        assertThat(types(b64("{\"foo\":1}") + ".abc.def")).doesNotContain("jwt");
    }

    @Test
    void pemPrivateKeysAndGcpServiceAccounts() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assertThat(found("key:\n" + pem + "\nthanks", "private_key")).isEqualTo(pem);
        String sa = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n\"}";
        assertThat(types(sa)).containsExactly("gcp_service_account_key");
        assertThat(types("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")).isEmpty();
    }

    @Test
    void secretAssignments() {
        assertThat(found("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_key"))
                .isEqualTo("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        String azureKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        assertThat(found("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + azureKey + ";EndpointSuffix=core.windows.net",
                "azure_storage_key")).isEqualTo(azureKey);
        assertThat(found("db.password=Xk9#mQ2$vL7p", "generic_secret")).isEqualTo("Xk9#mQ2$vL7p");
        assertThat(found("{\"apiKey\": \"f3a9Qx7LmP2vZ8\"}", "generic_secret")).isEqualTo("f3a9Qx7LmP2vZ8");
        assertThat(types("password=changeme password: ******** token=${TOKEN} monkey=Xk9#mQ2$vL7p")).isEmpty();
        assertThat(types("Note: the password is long")).isEmpty();
    }

    @Test
    void onlyTypesFiltersMultiTypeDetectors() {
        ContentScanner onlyGithub = new ContentScanner(BuiltinDetectors.enabled(java.util.Set.of("github_token"), "US"),
                List.of(), java.util.Set.of("github_token"));
        assertThat(onlyGithub.scan("AKIAIOSFODNN7EXAMPLE ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"))
                .extracting(Finding::type).containsExactly("github_token");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
