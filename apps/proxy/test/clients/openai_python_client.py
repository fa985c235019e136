"""openai-python through the gateway: runs each scenario, prints one JSON object with what a user would see."""
import json
import os
import sys

import openai
from openai import OpenAI

MODEL = os.environ["MODEL"]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
RESPONSES_WEATHER = {
    "type": "function",
    "name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "strict": False,
}


def chat(client):
    reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hello python"}])
    tool = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": 'call get_weather with {"city":"Paris"}'}],
        tools=[WEATHER],
    )
    call = tool.choices[0].message.tool_calls[0]
    return {
        "text": reply.choices[0].message.content,
        "finish": reply.choices[0].finish_reason,
        "prompt_tokens": reply.usage.prompt_tokens,
        "tool_content": tool.choices[0].message.content,
        "tool_finish": tool.choices[0].finish_reason,
        "tool_call": [call.function.name, call.function.arguments],
    }


def chat_stream(client):
    deltas = []
    ids = set()
    with client.chat.completions.stream(
        model=MODEL,
        messages=[{"role": "user", "content": "long 3"}],
        stream_options={"include_usage": True},
    ) as stream:
        for event in stream:
            # The role chunk's content "" shows up as an empty delta, as it does against OpenAI.
            if event.type == "content.delta" and event.delta:
                deltas.append(event.delta)
            if event.type == "chunk":
                ids.add(event.chunk.id)
        final = stream.get_final_completion()
    with client.chat.completions.stream(
        model=MODEL,
        messages=[{"role": "user", "content": 'call get_weather with {"city":"Oslo"}'}],
        tools=[WEATHER],
    ) as stream:
        tool_final = stream.get_final_completion()
    call = tool_final.choices[0].message.tool_calls[0]
    return {
        "deltas": deltas,
        "ids": len(ids),
        "text": final.choices[0].message.content,
        "completion_tokens": final.usage.completion_tokens,
        "tool_call": [call.function.name, call.function.arguments],
        "tool_content": tool_final.choices[0].message.content,
        "tool_finish": tool_final.choices[0].finish_reason,
    }


def responses(client):
    response = client.responses.create(model=MODEL, input="hello responses")
    return {"text": response.output_text, "items": len(response.output), "input_tokens": response.usage.input_tokens}


def responses_stream(client):
    deltas = []
    with client.responses.stream(model=MODEL, input="long 4") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    with client.responses.stream(
        model=MODEL, input='call get_weather with {"city":"Rome"}', tools=[RESPONSES_WEATHER]
    ) as stream:
        tool_final = stream.get_final_response()
    calls = [[i.name, i.arguments] for i in tool_final.output if i.type == "function_call"]
    return {
        "deltas": deltas,
        "text": final.output_text,
        "items": [i.type for i in final.output],
        "total_tokens": final.usage.total_tokens,
        "calls": calls,
    }


def errors(client):
    found = {}
    try:
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}], logprobs=True
        )
    except openai.BadRequestError as error:
        found["logprobs"] = [error.status_code, error.param if hasattr(error, "param") else None, error.code]
    try:
        client.responses.create(model="no-such-model", input="x")
    except openai.NotFoundError as error:
        found["unknown_model"] = [error.status_code, error.code]
    return found


def main():
    client = OpenAI(base_url=os.environ["BASE_URL"], api_key="sk-test", max_retries=0)
    scenario = sys.argv[1]
    result = {"chat": chat, "chat_stream": chat_stream, "responses": responses,
              "responses_stream": responses_stream, "errors": errors}[scenario](client)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
