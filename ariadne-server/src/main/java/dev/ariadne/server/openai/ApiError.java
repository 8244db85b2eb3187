package dev.ariadne.server.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server refuses, answered with OpenAI's error JSON:
 * {@code {"error": {"message": ..., "type": ..., "param": ..., "code": <status>}}}. The type names are vLLM's
 * ({@code BadRequestError}, {@code NotFoundError}, ...), which the OpenAI clients map to their exception classes by
 * status.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;

    public ApiError(int status, String type, String message, String param) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, "BadRequestError", message, param);
    }

    public static ApiError badRequest(String message) {
        return badRequest(message, null);
    }

    public static ApiError notFound(String message, String param) {
        return new ApiError(404, "NotFoundError", message, param);
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, "ServiceUnavailableError", message, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", status);
        return root;
    }
}
