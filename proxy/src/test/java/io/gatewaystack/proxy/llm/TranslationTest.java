package io.gatewaystack.proxy.llm;

import static io.gatewaystack.proxy.llm.ApiFormat.ANTHROPIC_MESSAGES;
import static io.gatewaystack.proxy.llm.ApiFormat.OPENAI_CHAT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class TranslationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private final Translation t = new Translation();

    /** Re-parsed, so that numbers compare by value (a long 300 and a parsed int 300 are different nodes). */
    static JsonNode norm(JsonNode node) {
        return JSON.readTree(JSON.writeValueAsString(node));
    }

    static ObjectNode json(String text) {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    static final String OPENAI_REQUEST = """
            {'model':'gpt-4o','messages':[
              {'role':'system','content':'You are terse.'},
              {'role':'developer','content':[{'type':'text','text':'Answer in English.'}]},
              {'role':'user','content':'What is the weather in Paris and Rome?'},
              {'role':'assistant','content':'Let me check.','tool_calls':[
                {'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},
                {'id':'call_2','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},
              {'role':'tool','tool_call_id':'call_1','content':'18C sunny'},
              {'role':'tool','tool_call_id':'call_2','content':[{'type':'text','text':'25C'}]},
              {'role':'user','content':[{'type':'text','text':'And this?'},
                 {'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}},
                 {'type':'image_url','image_url':{'url':'https://example.com/cat.jpg'}},
                 {'type':'input_audio','input_audio':{'data':'AAAA','format':'wav'}}]}],
             'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather by city',
                'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}}],
             'tool_choice':'required','parallel_tool_calls':false,
             'max_tokens':300,'temperature':1.5,'top_p':0.9,'stop':'END','stream':true,'user':'alice@example.com',
             'n':1,'presence_penalty':0.2}
            """;

    @Test
    void openAiRequestToAnthropic() {
        ObjectNode in = json(OPENAI_REQUEST);
        ObjectNode before = in.deepCopy();
        ObjectNode a = t.request(in, OPENAI_CHAT, ANTHROPIC_MESSAGES);
        assertThat(in).isEqualTo(before); // input untouched

        assertThat(norm(a)).isEqualTo(json("""
                {'model':'gpt-4o',
                 'system':[{'type':'text','text':'You are terse.'},{'type':'text','text':'Answer in English.'}],
                 'messages':[
                   {'role':'user','content':'What is the weather in Paris and Rome?'},
                   {'role':'assistant','content':[{'type':'text','text':'Let me check.'},
                      {'type':'tool_use','id':'call_1','name':'get_weather','input':{'city':'Paris'}},
                      {'type':'tool_use','id':'call_2','name':'get_weather','input':{'city':'Rome'}}]},
                   {'role':'user','content':[{'type':'tool_result','tool_use_id':'call_1','content':'18C sunny'},
                      {'type':'tool_result','tool_use_id':'call_2','content':'25C'}]},
                   {'role':'user','content':[{'type':'text','text':'And this?'},
                      {'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBORw0KGgo='}},
                      {'type':'image','source':{'type':'url','url':'https://example.com/cat.jpg'}}]}],
                 'max_tokens':300,
                 'tools':[{'name':'get_weather','description':'Weather by city',
                    'input_schema':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}],
                 'tool_choice':{'type':'any','disable_parallel_tool_use':true},
                 'temperature':1.0,'top_p':0.9,'stop_sequences':['END'],'stream':true,
                 'metadata':{'user_id':'alice@example.com'}}
                """));
    }

    @Test
    void openAiToAnthropicToOpenAiKeepsTheConversation() {
        ObjectNode back = t.request(t.request(json(OPENAI_REQUEST), OPENAI_CHAT, ANTHROPIC_MESSAGES), ANTHROPIC_MESSAGES, OPENAI_CHAT);
        assertThat(norm(back)).isEqualTo(json("""
                {'model':'gpt-4o','messages':[
                  {'role':'system','content':'You are terse.'},
                  {'role':'system','content':'Answer in English.'},
                  {'role':'user','content':'What is the weather in Paris and Rome?'},
                  {'role':'assistant','content':'Let me check.','tool_calls':[
                    {'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}},
                    {'id':'call_2','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Rome\\'}'}}]},
                  {'role':'tool','tool_call_id':'call_1','content':'18C sunny'},
                  {'role':'tool','tool_call_id':'call_2','content':'25C'},
                  {'role':'user','content':[{'type':'text','text':'And this?'},
                     {'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}},
                     {'type':'image_url','image_url':{'url':'https://example.com/cat.jpg'}}]}],
                 'max_completion_tokens':300,
                 'tools':[{'type':'function','function':{'name':'get_weather','description':'Weather by city',
                    'parameters':{'type':'object','properties':{'city':{'type':'string'}},'required':['city']}}}],
                 'tool_choice':'required','parallel_tool_calls':false,
                 'temperature':1.0,'top_p':0.9,'stop':['END'],'stream':true,'stream_options':{'include_usage':true},
                 'user':'alice@example.com'}
                """));
    }

    @Test
    void anthropicRequestToOpenAiAndBack() {
        ObjectNode anthropic = json("""
                {'model':'claude-sonnet-4-5','max_tokens':512,'system':'Be brief.',
                 'messages':[
                   {'role':'user','content':'Hi'},
                   {'role':'assistant','content':[{'type':'thinking','thinking':'hmm','signature':'x'},
                      {'type':'tool_use','id':'toolu_1','name':'lookup','input':{'q':'x'}}]},
                   {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':[{'type':'text','text':'found'}],'is_error':false},
                      {'type':'text','text':'thanks'}]}],
                 'tools':[{'name':'lookup','input_schema':{'type':'object','properties':{'q':{'type':'string'}}}},
                          {'type':'web_search_20250305','name':'web_search','max_uses':3}],
                 'tool_choice':{'type':'tool','name':'lookup'},
                 'stop_sequences':['\\n\\nHuman:'],'top_k':5,'temperature':0.3,'metadata':{'user_id':'u-42'}}
                """);
        ObjectNode o = t.request(anthropic, ANTHROPIC_MESSAGES, OPENAI_CHAT);
        assertThat(norm(o)).isEqualTo(json("""
                {'model':'claude-sonnet-4-5','messages':[
                  {'role':'system','content':'Be brief.'},
                  {'role':'user','content':'Hi'},
                  {'role':'assistant','content':null,'tool_calls':[{'id':'toolu_1','type':'function','function':{'name':'lookup','arguments':'{\\'q\\':\\'x\\'}'}}]},
                  {'role':'tool','tool_call_id':'toolu_1','content':'found'},
                  {'role':'user','content':[{'type':'text','text':'thanks'}]}],
                 'max_completion_tokens':512,
                 'tools':[{'type':'function','function':{'name':'lookup','parameters':{'type':'object','properties':{'q':{'type':'string'}}}}}],
                 'tool_choice':{'type':'function','function':{'name':'lookup'}},
                 'temperature':0.3,'stop':['\\n\\nHuman:'],'user':'u-42'}
                """));
        ObjectNode back = t.request(o, OPENAI_CHAT, ANTHROPIC_MESSAGES);
        assertThat(norm(back)).isEqualTo(json("""
                {'model':'claude-sonnet-4-5','system':'Be brief.','messages':[
                  {'role':'user','content':'Hi'},
                  {'role':'assistant','content':[{'type':'tool_use','id':'toolu_1','name':'lookup','input':{'q':'x'}}]},
                  {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'found'}]},
                  {'role':'user','content':[{'type':'text','text':'thanks'}]}],
                 'max_tokens':512,
                 'tools':[{'name':'lookup','input_schema':{'type':'object','properties':{'q':{'type':'string'}}}}],
                 'tool_choice':{'type':'tool','name':'lookup'},
                 'temperature':0.3,'stop_sequences':['\\n\\nHuman:'],'metadata':{'user_id':'u-42'}}
                """));
    }

    @Test
    void anthropicNeedsMaxTokensAndToolsGetASchema() {
        ObjectNode a = t.request(json("""
                {'model':'m','messages':[{'role':'user','content':'x'}],'max_completion_tokens':77,'max_tokens':5,
                 'tools':[{'type':'function','function':{'name':'ping'}}],'tool_choice':{'type':'function','function':{'name':'ping'}}}
                """), OPENAI_CHAT, ANTHROPIC_MESSAGES);
        assertThat(a.get("max_tokens").asLong()).isEqualTo(77);
        assertThat(a.get("tools").get(0)).isEqualTo(json("{'name':'ping','input_schema':{'type':'object','properties':{}}}"));
        assertThat(a.get("tool_choice")).isEqualTo(json("{'type':'tool','name':'ping'}"));
        ObjectNode none = t.request(json("{'model':'m','messages':[{'role':'user','content':'x'}],'tool_choice':'none'}"),
                OPENAI_CHAT, ANTHROPIC_MESSAGES);
        assertThat(none.get("max_tokens").asLong()).isEqualTo(Translation.DEFAULT_MAX_TOKENS);
        assertThat(none.has("tool_choice")).as("no tools, no tool_choice (Anthropic rejects it)").isFalse();
        assertThat(none.has("system")).isFalse();
        assertThat(none.has("metadata")).isFalse();
    }

    @Test
    void oddInputsDoNotCrash() {
        ObjectNode a = t.request(json("""
                {'messages':[{'role':'user'},{'content':'no role'},{'role':'assistant','content':null},
                  {'role':'user','content':[{'type':'image_url','image_url':{'url':'ftp://x/y.png'}},{'type':'image_url','image_url':{'url':'data:image/png,raw'}}]},
                  {'role':'assistant','tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':'not json'}}]}],
                 'tools':'nope','stop':[1,'x']}
                """), OPENAI_CHAT, ANTHROPIC_MESSAGES);
        assertThat(a.get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"user","content":""},{"role":"user","content":[]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"c","name":"f","input":{}}]}]"""));
        assertThat(a.get("stop_sequences")).isEqualTo(JSON.readTree("[\"x\"]"));
        assertThat(t.request(json("{'messages':'x','system':5}"), ANTHROPIC_MESSAGES, OPENAI_CHAT))
                .isEqualTo(json("{'messages':[]}"));
    }

    @Test
    void identityIsADeepCopy() {
        ObjectNode in = json(OPENAI_REQUEST);
        ObjectNode same = t.request(in, OPENAI_CHAT, OPENAI_CHAT);
        assertThat(same).isEqualTo(in).isNotSameAs(in);
        same.withArray("messages").removeAll();
        assertThat(in.get("messages").size()).isEqualTo(7);
        ObjectNode r = json("{'id':'msg_1','type':'message'}");
        assertThat(t.response(r, ANTHROPIC_MESSAGES, ANTHROPIC_MESSAGES, "x")).isEqualTo(r).isNotSameAs(r);
    }

    // ---------------------------------------------------------------------------------------------- responses

    static final String OPENAI_RESPONSE = """
            {'id':'chatcmpl-abc123','object':'chat.completion','created':1741570283,'model':'gpt-4o-2024-08-06',
             'choices':[{'index':0,'message':{'role':'assistant','content':'Checking.','refusal':null,
                'tool_calls':[{'id':'call_9','type':'function','function':{'name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}'}}]},
               'logprobs':null,'finish_reason':'tool_calls'}],
             'usage':{'prompt_tokens':120,'completion_tokens':15,'total_tokens':135,
                'prompt_tokens_details':{'cached_tokens':100,'audio_tokens':0}}}
            """;

    @Test
    void openAiResponseToAnthropic() {
        ObjectNode a = t.response(json(OPENAI_RESPONSE), OPENAI_CHAT, ANTHROPIC_MESSAGES, "smart-model");
        assertThat(norm(a)).isEqualTo(json("""
                {'id':'msg_abc123','type':'message','role':'assistant','model':'smart-model',
                 'content':[{'type':'text','text':'Checking.'},
                    {'type':'tool_use','id':'call_9','name':'get_weather','input':{'city':'Paris'}}],
                 'stop_reason':'tool_use','stop_sequence':null,
                 'usage':{'input_tokens':20,'cache_creation_input_tokens':0,'cache_read_input_tokens':100,'output_tokens':15}}
                """));
        assertThat(t.usage(a, ANTHROPIC_MESSAGES)).isEqualTo(new TokenUsage(120, 15, 100));
        assertThat(t.usage(json(OPENAI_RESPONSE), OPENAI_CHAT)).isEqualTo(new TokenUsage(120, 15, 100));
    }

    @Test
    void anthropicResponseToOpenAiAndBack() {
        ObjectNode anthropic = json("""
                {'id':'msg_01XFDUDYJgAACzvnptvVoYEL','type':'message','role':'assistant','model':'claude-sonnet-4-5',
                 'content':[{'type':'text','text':'Hello'},{'type':'text','text':' there'},
                    {'type':'tool_use','id':'toolu_01','name':'lookup','input':{'q':'a b'}}],
                 'stop_reason':'tool_use','stop_sequence':null,
                 'usage':{'input_tokens':10,'cache_creation_input_tokens':4,'cache_read_input_tokens':6,'output_tokens':7}}
                """);
        ObjectNode o = t.response(anthropic, ANTHROPIC_MESSAGES, OPENAI_CHAT, null);
        assertThat(o.get("created").asLong()).isPositive();
        o.remove("created");
        assertThat(norm(o)).isEqualTo(json("""
                {'id':'chatcmpl-01XFDUDYJgAACzvnptvVoYEL','object':'chat.completion','model':'claude-sonnet-4-5',
                 'choices':[{'index':0,'message':{'role':'assistant','content':'Hello there','refusal':null,
                    'tool_calls':[{'id':'toolu_01','type':'function','function':{'name':'lookup','arguments':'{\\'q\\':\\'a b\\'}'}}]},
                   'logprobs':null,'finish_reason':'tool_calls'}],
                 'usage':{'prompt_tokens':20,'completion_tokens':7,'total_tokens':27,'prompt_tokens_details':{'cached_tokens':6}}}
                """));
        ObjectNode back = t.response(o, OPENAI_CHAT, ANTHROPIC_MESSAGES, null);
        assertThat(back.get("id").asString()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(back.get("content")).isEqualTo(JSON.readTree("""
                [{"type":"text","text":"Hello there"},{"type":"tool_use","id":"toolu_01","name":"lookup","input":{"q":"a b"}}]"""));
        assertThat(back.get("stop_reason").asString()).isEqualTo("tool_use");
        // cache creation tokens are counted as plain input tokens on the way back (OpenAI has no such field)
        assertThat(t.usage(back, ANTHROPIC_MESSAGES)).isEqualTo(new TokenUsage(20, 7, 6));
    }

    @Test
    void textOnlyAndEmptyResponses() {
        ObjectNode o = t.response(json("""
                {'id':'msg_1','type':'message','role':'assistant','model':'c','content':[],'stop_reason':'end_turn','usage':{'input_tokens':3,'output_tokens':0}}
                """), ANTHROPIC_MESSAGES, OPENAI_CHAT, "x");
        assertThat(o.at("/choices/0/message/content").asString()).isEqualTo("");
        assertThat(o.at("/choices/0/message").has("tool_calls")).isFalse();
        assertThat(o.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        ObjectNode a = t.response(json("{'id':'x','choices':[{'message':{'role':'assistant','content':'Hi'},'finish_reason':'length'}]}"),
                OPENAI_CHAT, ANTHROPIC_MESSAGES, null);
        assertThat(a.get("content")).isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"Hi\"}]"));
        assertThat(a.get("stop_reason").asString()).isEqualTo("max_tokens");
        assertThat(a.get("id").asString()).isEqualTo("msg_x");
        assertThat(t.usage(a, ANTHROPIC_MESSAGES)).isEqualTo(TokenUsage.NONE);
        assertThat(t.usage(json("{}"), OPENAI_CHAT)).isEqualTo(TokenUsage.NONE);
    }

    @ParameterizedTest
    @CsvSource({"stop,end_turn,stop", "length,max_tokens,length", "tool_calls,tool_use,tool_calls",
            "function_call,tool_use,tool_calls", "content_filter,refusal,content_filter"})
    void finishReasonsMapToStopReasons(String finish, String stop, String back) {
        assertThat(Translation.stopReason(finish)).isEqualTo(stop);
        assertThat(Translation.finishReason(stop)).isEqualTo(back);
    }

    @Test
    void anthropicOnlyStopReasons() {
        assertThat(Translation.finishReason("stop_sequence")).isEqualTo("stop");
        assertThat(Translation.finishReason("pause_turn")).isEqualTo("stop");
        assertThat(Translation.finishReason(null)).isNull();
        assertThat(Translation.stopReason(null)).isNull();
    }

    // ------------------------------------------------------------------------------------------------- errors

    @Test
    void errorBodiesInEachSdkShape() {
        assertThat(norm(t.error(429, "rate_limited", "Slow down", OPENAI_CHAT))).isEqualTo(json("""
                {'error':{'message':'Slow down','type':'rate_limit_error','code':'rate_limited','param':null}}"""));
        assertThat(norm(t.error(401, null, "Bad token", OPENAI_CHAT))).isEqualTo(json("""
                {'error':{'message':'Bad token','type':'authentication_error','code':null,'param':null}}"""));
        assertThat(norm(t.error(529, "overloaded", "Busy", ANTHROPIC_MESSAGES))).isEqualTo(json("""
                {'type':'error','error':{'type':'overloaded_error','message':'Busy'}}"""));
        assertThat(norm(t.error(403, "denied", "No", ANTHROPIC_MESSAGES))).isEqualTo(json("""
                {'type':'error','error':{'type':'permission_error','message':'No'}}"""));
    }

    @ParameterizedTest
    @CsvSource({"400,invalid_request_error", "422,invalid_request_error", "401,authentication_error",
            "403,permission_error", "404,not_found_error", "413,request_too_large", "429,rate_limit_error",
            "500,api_error", "502,api_error", "503,api_error", "529,overloaded_error"})
    void errorTypes(int status, String type) {
        assertThat(Translation.errorType(status)).isEqualTo(type);
    }

    @Test
    void upstreamErrorBodiesAreTranslatedAsErrors() {
        JsonNode a = t.response(json("{'error':{'message':'Bad key','type':'invalid_request_error','code':'invalid_api_key','param':null}}"),
                OPENAI_CHAT, ANTHROPIC_MESSAGES, null);
        assertThat(norm(a)).isEqualTo(json("{'type':'error','error':{'type':'invalid_request_error','message':'Bad key'}}"));
        JsonNode o = t.response(json("{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}"),
                ANTHROPIC_MESSAGES, OPENAI_CHAT, null);
        assertThat(norm(o)).isEqualTo(json("{'error':{'message':'Overloaded','type':'overloaded_error','code':null,'param':null}}"));
    }
}
