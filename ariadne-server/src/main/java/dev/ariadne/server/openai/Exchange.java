package dev.ariadne.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP exchange on its own (virtual) thread: the body read with a size limit, and exactly one answer (JSON,
 * text, or an event stream). Blocking I/O is fine here: Jetty runs every handler on a virtual thread.
 */
final class Exchange {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long maxBodyBytes;
    private boolean answered;
    private OutputStream keptAlive;     // a 200 JSON answer already begun with whitespace, see keepAlive()

    Exchange(Request request, Response response, Callback callback, long maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.maxBodyBytes = maxBodyBytes;
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return Request.getPathInContext(request);
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    boolean answered() {
        return answered;
    }

    /** The body as a JSON object; 413 over the limit, 400 for anything that is not a JSON object. */
    JsonNode jsonBody() throws IOException {
        long declared = request.getLength();
        if (declared > maxBodyBytes) throw tooLarge(declared);
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        }
        if (body.length > maxBodyBytes) throw tooLarge(-1);
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Invalid JSON in the request body: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) throw ApiError.badRequest("The request body must be a JSON object.");
        return node;
    }

    private ApiError tooLarge(long declared) {
        return new ApiError(413, "RequestEntityTooLargeError", "The request body"
                + (declared > 0 ? " (" + declared + " bytes)" : "") + " is over the server's limit of " + maxBodyBytes
                + " bytes (--max-request-body-bytes).", null);
    }

    void json(int status, JsonNode body) {
        if (keptAlive == null) {
            bytes(status, "application/json", JSON_bytes(body));
            return;
        }
        answered = true;
        try (OutputStream out = keptAlive) {
            out.write(JSON_bytes(body));
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    /**
     * Writes one space of a 200 JSON answer that is still being computed (JSON allows leading whitespace). A long
     * non-streamed generation writes nothing for a long time, and only a write tells a server that its client has
     * gone: the second space after a disconnect fails, so the request can be aborted instead of running on. The
     * price: an error after the first space can no longer change the status (it arrives as error JSON with 200).
     */
    void keepAlive() throws IOException {
        if (keptAlive == null) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            keptAlive = Content.Sink.asOutputStream(response);
        }
        keptAlive.write(' ');
        keptAlive.flush();
    }

    void error(ApiError e) {
        json(e.status(), e.toJson());
    }

    void text(int status, String contentType, String body) {
        bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(int status, String contentType, byte[] body) {
        answered = true;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /** Starts a 200 response whose body the caller writes and closes; {@link #finish()} or {@link #fail} ends it. */
    OutputStream stream(String contentType) {
        answered = true;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        return Content.Sink.asOutputStream(response);
    }

    void finish() {
        callback.succeeded();
    }

    void fail(Throwable t) {
        callback.failed(t);
    }

    static byte[] JSON_bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
