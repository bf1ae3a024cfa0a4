package io.switchboard.sip.gateway;

import io.switchboard.sip.registrar.Binding;
import io.switchboard.sip.registrar.DigestAlgorithm;
import io.switchboard.sip.registrar.DigestAuthenticator;
import io.switchboard.sip.registrar.RegisterRequest;
import io.switchboard.sip.registrar.RegisterResult;
import io.switchboard.sip.registrar.Registrar;
import io.switchboard.sip.registrar.SipAccounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import javax.sip.address.SipURI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REGISTER for agents' SIP accounts (RFC 3261 §10): digest authentication, then the registrar's
 * bindings. An account registers only its own address of record.
 */
final class Registration {

  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  private final SipEndpoint sip;
  private final Registrar registrar;
  private final DigestAuthenticator auth;
  private final SipAccounts accounts;

  private final List<DigestAlgorithm> algorithms;

  Registration(SipEndpoint sip, Registrar registrar, DigestAuthenticator auth, SipAccounts accounts,
      List<String> algorithms) {
    this.algorithms = algorithms.stream().map(t -> DigestAlgorithm.fromToken(t).orElseThrow()).toList();
    this.sip = sip;
    this.registrar = registrar;
    this.auth = auth;
    this.accounts = accounts;
  }

  void handle(SipEndpoint.Incoming in) {
    Request r = in.request();
    AuthorizationHeader authorization = (AuthorizationHeader) r.getHeader(AuthorizationHeader.NAME);
    if (authorization == null) {
      challenge(in, false);
      return;
    }
    String value = authorization.toString().substring(AuthorizationHeader.NAME.length() + 1).trim();
    DigestAuthenticator.Verdict verdict = auth.verify(value, Request.REGISTER, r.getRequestURI().toString(), accounts);
    if (verdict instanceof DigestAuthenticator.Verdict.Stale) {
      challenge(in, true);
      return;
    }
    if (verdict instanceof DigestAuthenticator.Verdict.Rejected rejected) {
      LOG.info("REGISTER from {}:{} refused: {}", in.sourceHost(), in.sourcePort(), rejected.why());
      sip.reply(in.transaction(), r, Response.FORBIDDEN, resp -> phrase(resp, "Forbidden (authentication failed)"));
      return;
    }
    String user = ((DigestAuthenticator.Verdict.Ok) verdict).account().user();
    ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
    String aor = to.getAddress().getURI() instanceof SipURI s ? s.getUser() : null;
    if (!user.equals(aor)) {
      sip.reply(in.transaction(), r, Response.FORBIDDEN,
          resp -> phrase(resp, "Forbidden (account " + user + " may register only its own address)"));
      return;
    }
    RegisterRequest request;
    try {
      request = requestOf(in);
    } catch (IllegalArgumentException ex) {
      sip.reply(in.transaction(), r, Response.BAD_REQUEST, resp -> phrase(resp, "Bad Request (" + ex.getMessage() + ")"));
      return;
    }
    RegisterResult result = registrar.register(user, request);
    if (result instanceof RegisterResult.Ok ok) {
      Instant now = Instant.now();
      sip.reply(in.transaction(), r, Response.OK, resp -> {
        for (Binding b : ok.current()) {
          try {
            ContactHeader c = sip.headers.createContactHeader(sip.addresses.createAddress(b.contactUri()));
            c.setExpires((int) Math.max(0, b.secondsLeft(now)));
            resp.addHeader(c);
          } catch (Exception ex) {
            LOG.debug("binding {} not listed: {}", b.contactUri(), ex.toString());
          }
        }
      });
    } else if (result instanceof RegisterResult.IntervalTooBrief brief) {
      sip.reply(in.transaction(), r, Response.INTERVAL_TOO_BRIEF, resp -> {
        try {
          resp.addHeader(sip.headers.createMinExpiresHeader(brief.minExpires()));
        } catch (javax.sip.InvalidArgumentException ex) {
          throw new IllegalStateException(ex);
        }
      });
    } else if (result instanceof RegisterResult.Refused refused) {
      sip.reply(in.transaction(), r, refused.status(), resp -> phrase(resp, "Refused (" + refused.why() + ")"));
    }
  }

  private void challenge(SipEndpoint.Incoming in, boolean stale) {
    sip.reply(in.transaction(), in.request(), Response.UNAUTHORIZED, resp -> {
      for (DigestAlgorithm a : algorithms) {
        String c = auth.challenge(a, stale);
        try {
          resp.addHeader(sip.headers.createHeader("WWW-Authenticate", c));
        } catch (java.text.ParseException ex) {
          throw new IllegalStateException(ex);
        }
      }
    });
  }

  private static RegisterRequest requestOf(SipEndpoint.Incoming in) {
    Request r = in.request();
    List<RegisterRequest.Contact> contacts = new ArrayList<>();
    ListIterator<?> it = r.getHeaders(ContactHeader.NAME);
    while (it.hasNext()) {
      ContactHeader c = (ContactHeader) it.next();
      if (c.isWildCard()) {
        contacts.add(RegisterRequest.Contact.of(RegisterRequest.WILDCARD));
        continue;
      }
      int expires = c.getExpires();
      String q = c.getParameter("q");
      contacts.add(new RegisterRequest.Contact(c.getAddress().getURI().toString(), expires >= 0 ? expires : null,
          q == null ? null : Float.parseFloat(q)));
    }
    ExpiresHeader expires = r.getExpires();
    CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
    return new RegisterRequest(contacts, expires == null ? null : expires.getExpires(), Gateway.callIdOf(r),
        cseq.getSeqNumber(), in.sourceHost() + ":" + in.sourcePort(), in.transport().toUpperCase(java.util.Locale.ROOT));
  }

  private static void phrase(Response resp, String text) {
    try {
      resp.setReasonPhrase(text.replaceAll("\\p{Cntrl}", " "));
    } catch (java.text.ParseException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
