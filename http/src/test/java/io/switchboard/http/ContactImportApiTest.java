package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Contacts imported over REST v1 from CSV and .xlsx (ANS-7): preview, row errors, all or nothing. */
class ContactImportApiTest {
  static final String PW = "import-password-1";
  static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  static EdgeFixture f;
  static String admin;

  @BeforeAll
  static void setUp() {
    f = EdgeFixture.start("contact-import");
    f.createUser("admin", PW, "admin", null, null);
    admin = f.login("admin", PW);
    f.expect(201, admin, "POST", "/answering-points", "{\"id\":\"north\",\"name\":\"North\"}");
    for (String c : new String[] {"acme", "bolt", "cobra"})
      f.expect(201, admin, "POST", "/companies", "{\"id\":\"" + c + "\",\"name\":\"" + c + "\",\"answeringPoint\":\"north\"}");
    f.createUser("bolt-admin", PW, "client", null, "bolt", null);
  }

  @AfterAll
  static void tearDown() {
    if (f != null) f.close();
  }

  static EdgeFixture.Resp upload(String token, String path, String type, byte[] body) {
    return f.req("POST", path).bearer(token).bytes(type, body).send();
  }

  static byte[] csv(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aCsvIsPreviewedThenImportedAndAReplaceRemovesTheRest() {
    byte[] file = csv("Namn;E-post;Telefon;Titel\nÅsa Öberg;asa@acme.example;08-555 10 01;Ekonom\nBo Ek;bo@acme.example;;\n");
    EdgeFixture.Resp preview = upload(admin, "/companies/acme/contacts/import?preview=true", "text/csv", file);
    assertThat(preview.status()).as(preview.brief()).isEqualTo(200);
    JsonNode p = preview.json();
    assertThat(p.get("imported").asBoolean()).isFalse();
    assertThat(p.get("valid").asInt()).isEqualTo(2);
    assertThat(p.get("added").asInt()).isEqualTo(2);
    assertThat(p.at("/preview/0/name").asText()).isEqualTo("Åsa Öberg");
    assertThat(f.expect(200, admin, "GET", "/companies/acme/contacts", null).get("total").asInt()).isZero();

    JsonNode done = upload(admin, "/companies/acme/contacts/import", "text/csv", file).json();
    assertThat(done.get("imported").asBoolean()).isTrue();
    assertThat(done.get("added").asInt()).isEqualTo(2);
    JsonNode asa = f.expect(200, admin, "GET", "/companies/acme/contacts/asa", null);
    assertThat(asa.get("name").asText()).isEqualTo("Åsa Öberg");
    assertThat(asa.get("phones").get(0).asText()).isEqualTo("085551001");

    // The same file again updates; a replace with one row removes the other.
    assertThat(upload(admin, "/companies/acme/contacts/import", "text/csv", file).json().get("updated").asInt())
        .isEqualTo(2);
    JsonNode replaced = upload(admin, "/companies/acme/contacts/import?mode=replace", "text/csv",
        csv("name,email\nBo Ek,bo@acme.example\n")).json();
    assertThat(replaced.get("removed").asInt()).isEqualTo(1);
    assertThat(f.expect(200, admin, "GET", "/companies/acme/contacts", null).get("total").asInt()).isEqualTo(1);
  }

  @Test
  void aFileWithABadRowImportsNothingAndNamesRowAndColumn() {
    byte[] file = csv("name,email,phone\nGood One,good@bolt.example,0701\nBad Mail,not-an-address,0702\n");
    EdgeFixture.Resp r = upload(admin, "/companies/bolt/contacts/import", "text/csv", file);
    assertThat(r.status()).as(r.brief()).isEqualTo(422);
    JsonNode error = r.json().at("/errors/0");
    assertThat(error.get("row").asInt()).isEqualTo(3);
    assertThat(error.get("column").asText()).isEqualTo("B");
    assertThat(error.get("message").asText()).contains("not-an-address");
    assertThat(f.expect(200, admin, "GET", "/companies/bolt/contacts", null).get("total").asInt()).isZero();

    EdgeFixture.Resp xls = upload(admin, "/companies/bolt/contacts/import?filename=old.xls", "application/vnd.ms-excel",
        new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, 1, 2, 3, 4});
    assertThat(xls.status()).as(xls.brief()).isEqualTo(400);
    assertThat(xls.json().get("field").asText()).isEqualTo("body");
    EdgeFixture.assertError(upload(admin, "/companies/bolt/contacts/import?mode=append", "text/csv", file),
        400, "mode", "merge or replace");
    // Read to the end before the answer, so the client still sending gets the 413, not a broken pipe.
    EdgeFixture.assertError(upload(admin, "/companies/bolt/contacts/import", "text/csv",
        new byte[(int) io.switchboard.http.company.CompanyCardApi.MAX_IMPORT_BYTES + 1]), 413, "body", "import file");
  }

  @Test
  void anXlsxWithNumericPhonesImportsForTheClientItself() throws Exception {
    byte[] file;
    try (XSSFWorkbook wb = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XSSFSheet sheet = wb.createSheet("Staff");
      XSSFRow header = sheet.createRow(0);
      header.createCell(0).setCellValue("Name");
      header.createCell(1).setCellValue("Mobile");
      header.createCell(2).setCellValue("Department");
      for (int i = 1; i <= 300; i++) {
        XSSFRow row = sheet.createRow(i);
        row.createCell(0).setCellValue("Person " + i);
        row.createCell(1).setCellValue(46701000000L + i);
        row.createCell(2).setCellValue(i % 2 == 0 ? "Sales" : "Support");
      }
      wb.write(out);
      file = out.toByteArray();
    }
    String client = f.login("bolt-admin", PW);
    EdgeFixture.Resp r = upload(client, "/companies/bolt/contacts/import", XLSX, file);
    assertThat(r.status()).as(r.brief()).isEqualTo(200);
    assertThat(r.json().get("added").asInt()).isEqualTo(300);
    JsonNode found = f.expect(200, client, "GET", "/companies/bolt/contacts?q=person%20150", null);
    assertThat(found.at("/contacts/0/mobile").asText()).isEqualTo("46701000150");
    // Another company's import is not the client's.
    f.expect(404, client, "GET", "/companies/cobra/card", null);
    assertThat(upload(client, "/companies/cobra/contacts/import", XLSX, file).status()).isEqualTo(404);
  }
}
