package io.gatewaystack.transform.json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Lists the text fields of a JSON body for a {@link BodyShape}. The traversal of arbitrary subtrees is iterative
 * (an explicit stack, no recursion), so a deeply nested body cannot overflow the thread stack; bodies deeper than
 * {@code maxDepth} are refused with {@link JsonTooDeepException}.
 */
public final class JsonTextWalker {

    public static final int DEFAULT_MAX_DEPTH = 512;
    private final int maxDepth;

    public JsonTextWalker(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    public JsonTextWalker() {
        this(DEFAULT_MAX_DEPTH);
    }

    /** The shape AUTO resolves to for this body. */
    public static BodyShape resolve(JsonNode root, BodyShape shape) {
        if (shape != BodyShape.AUTO) return shape;
        if (root == null || !root.isObject()) return BodyShape.ANY_JSON;
        if (root.has("jsonrpc")) return BodyShape.MCP_TOOLS_CALL;
        if (root.has("messages") || root.has("system") || root.has("prompt")) return BodyShape.CHAT;
        if (root.has("input")) return BodyShape.RESPONSES;
        return BodyShape.ANY_JSON;
    }

    public List<TextSlot> texts(JsonNode root, BodyShape shape) {
        List<TextSlot> out = new ArrayList<>();
        if (root == null) return out;
        switch (resolve(root, shape)) {
            case CHAT -> chat(root, out);
            case RESPONSES, EMBEDDINGS -> responses(root, out);
            case MCP_TOOLS_CALL -> mcp(root, out);
            case ANSWER -> answer(root, out);
            default -> allStrings(root, "", 0, out);
        }
        return out;
    }

    private void chat(JsonNode root, List<TextSlot> out) {
        if (!root.isObject()) return;
        contentField(root, "system", "", out);
        contentField(root, "prompt", "", out);
        JsonNode messages = root.get("messages");
        if (messages != null && messages.isArray()) {
            for (int i = 0; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                if (!m.isObject()) continue;
                String path = "/messages/" + i;
                contentField(m, "content", path, out);
                toolCalls(m, path, out);
            }
        }
    }

    private void responses(JsonNode root, List<TextSlot> out) {
        if (!root.isObject()) return;
        stringField(root, "instructions", "", out);
        JsonNode input = root.get("input");
        if (input == null) return;
        if (input.isString()) {
            out.add(new TextSlot("/input", root, "input", -1, input.stringValue()));
        } else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                String path = "/input/" + i;
                if (item.isString()) {
                    out.add(new TextSlot(path, input, null, i, item.stringValue()));
                } else if (item.isObject()) {
                    contentField(item, "content", path, out);
                    stringField(item, "output", path, out);
                    stringField(item, "text", path, out);
                    stringField(item, "arguments", path, out);
                }
            }
        }
    }

    private void mcp(JsonNode root, List<TextSlot> out) {
        if (!root.isObject()) return;
        JsonNode params = root.get("params");
        if (params != null && params.isObject()) {
            JsonNode args = params.get("arguments");
            if (args != null) {
                if (args.isString()) out.add(new TextSlot("/params/arguments", params, "arguments", -1, args.stringValue()));
                else allStrings(args, "/params/arguments", 2, out);
            }
        }
        JsonNode result = root.get("result");
        if (result != null && result.isObject()) {
            contentField(result, "content", "/result", out);
            JsonNode structured = result.get("structuredContent");
            if (structured != null && structured.isContainer()) allStrings(structured, "/result/structuredContent", 2, out);
        }
    }

    private void answer(JsonNode root, List<TextSlot> out) {
        if (!root.isObject()) return;
        JsonNode choices = root.get("choices");
        if (choices != null && choices.isArray()) {
            for (int i = 0; i < choices.size(); i++) {
                JsonNode choice = choices.get(i);
                if (!choice.isObject()) continue;
                String path = "/choices/" + i;
                stringField(choice, "text", path, out);
                JsonNode message = choice.get("message");
                if (message != null && message.isObject()) {
                    contentField(message, "content", path + "/message", out);
                    toolCalls(message, path + "/message", out);
                }
            }
        }
        contentField(root, "content", "", out);
        stringField(root, "output_text", "", out);
        JsonNode output = root.get("output");
        if (output != null && output.isArray()) {
            for (int i = 0; i < output.size(); i++) {
                JsonNode item = output.get(i);
                if (!item.isObject()) continue;
                contentField(item, "content", "/output/" + i, out);
                stringField(item, "arguments", "/output/" + i, out);
            }
        }
    }

    private static void toolCalls(JsonNode message, String path, List<TextSlot> out) {
        JsonNode calls = message.get("tool_calls");
        if (calls == null || !calls.isArray()) return;
        for (int c = 0; c < calls.size(); c++) {
            JsonNode fn = calls.get(c).get("function");
            if (fn != null && fn.isObject()) stringField(fn, "arguments", path + "/tool_calls/" + c + "/function", out);
        }
    }

    /** A field holding a string, or an array of parts/blocks with text (and Anthropic nested content / input). */
    private void contentField(JsonNode holder, String name, String parentPath, List<TextSlot> out) {
        JsonNode content = holder.get(name);
        if (content == null) return;
        String path = parentPath + "/" + escape(name);
        if (content.isString()) {
            out.add(new TextSlot(path, holder, name, -1, content.stringValue()));
            return;
        }
        if (!content.isArray()) return;
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "/" + i;
            if (part.isString()) {
                out.add(new TextSlot(partPath, content, null, i, part.stringValue()));
            } else if (part.isObject()) {
                stringField(part, "text", partPath, out);
                if (part.has("content")) {
                    JsonNode nested = part.get("content");
                    if (nested.isString()) out.add(new TextSlot(partPath + "/content", part, "content", -1, nested.stringValue()));
                    else if (nested.isArray()) {
                        for (int k = 0; k < nested.size(); k++) {
                            JsonNode block = nested.get(k);
                            String blockPath = partPath + "/content/" + k;
                            if (block.isString()) out.add(new TextSlot(blockPath, nested, null, k, block.stringValue()));
                            else if (block.isObject()) stringField(block, "text", blockPath, out);
                        }
                    }
                }
                JsonNode input = part.get("input");
                if (input != null && input.isContainer()) allStrings(input, partPath + "/input", 4, out);
            }
        }
    }

    private static void stringField(JsonNode holder, String name, String parentPath, List<TextSlot> out) {
        JsonNode v = holder.get(name);
        if (v != null && v.isString()) out.add(new TextSlot(parentPath + "/" + escape(name), holder, name, -1, v.stringValue()));
    }

    /** Every string leaf under {@code node}; iterative. */
    private void allStrings(JsonNode node, String path, int depth, List<TextSlot> out) {
        record Frame(JsonNode node, String path, int depth) {}
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(node, path, depth));
        while (!stack.isEmpty()) {
            Frame f = stack.pop();
            if (f.depth > maxDepth) throw new JsonTooDeepException(maxDepth);
            JsonNode n = f.node;
            if (n.isObject()) {
                List<Map.Entry<String, JsonNode>> props = new ArrayList<>(n.properties());
                for (int k = props.size() - 1; k >= 0; k--) {
                    Map.Entry<String, JsonNode> e = props.get(k);
                    String childPath = f.path + "/" + escape(e.getKey());
                    if (e.getValue().isString()) {
                        out.add(new TextSlot(childPath, n, e.getKey(), -1, e.getValue().stringValue()));
                    } else if (e.getValue().isContainer()) {
                        stack.push(new Frame(e.getValue(), childPath, f.depth + 1));
                    }
                }
            } else if (n.isArray()) {
                for (int i = n.size() - 1; i >= 0; i--) {
                    JsonNode c = n.get(i);
                    String childPath = f.path + "/" + i;
                    if (c.isString()) out.add(new TextSlot(childPath, n, null, i, c.stringValue()));
                    else if (c.isContainer()) stack.push(new Frame(c, childPath, f.depth + 1));
                }
            }
        }
    }

    private static String escape(String name) {
        return name.indexOf('~') < 0 && name.indexOf('/') < 0 ? name : name.replace("~", "~0").replace("/", "~1");
    }
}
