// Request bodies: a small one, and one shaped like a Codex CLI turn (~40 KB of instructions, tools
// and context), for /v1/responses and the equivalent /v1/chat/completions.
export const MODEL = 'gpt-5.3-codex';
export const CODEX_BODY_BYTES = 40 * 1024;

const SUBJECTS = ['the agent', 'each tool call', 'the workspace', 'a patch', 'the user', 'the plan', 'a command'];
const VERBS = ['must keep', 'should prefer', 'never hides', 'always reports', 'may skip', 'reviews', 'explains'];
const OBJECTS = [
  'the smallest change that fixes the problem',
  'tests that exercise the new behaviour',
  'file paths relative to the repository root',
  'the reason before the command it runs',
  'output that a reader can verify quickly',
  'a summary of what changed and why',
  'the existing style of the surrounding code',
];

/** Deterministic instruction-like prose of about `bytes` characters. */
function prose(bytes) {
  const lines = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${i + 1}. ${SUBJECTS[i % 7]} ${VERBS[(i * 3) % 7]} ${OBJECTS[(i * 5) % 7]} (rule ${i % 97}).`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n').slice(0, bytes);
}

function schema(fields) {
  const properties = {};
  for (const [name, type, description] of fields) properties[name] = { type, description };
  return {
    type: 'object',
    properties,
    required: fields.slice(0, 1).map(([name]) => name),
    additionalProperties: false,
  };
}

/** Function tools like the CLI's shell, planning and MCP tools, as Responses tools. */
function functionTools() {
  const tools = [
    {
      name: 'shell',
      description: 'Runs a shell command and returns its output. Use for builds, tests and searches.',
      parameters: schema([
        ['command', 'array', 'The command and its arguments.'],
        ['workdir', 'string', 'The working directory.'],
        ['timeout_ms', 'number', 'Milliseconds before the command is stopped.'],
      ]),
    },
    {
      name: 'update_plan',
      description: 'Records the current plan as steps with a status each.',
      parameters: schema([
        ['plan', 'array', 'Steps with status pending, in_progress or completed.'],
        ['explanation', 'string', 'Why the plan changed.'],
      ]),
    },
    {
      name: 'view_image',
      description: 'Attaches a local image to the conversation.',
      parameters: schema([['path', 'string', 'Path of the image.']]),
    },
  ];
  for (let i = 1; i <= 12; i++) {
    tools.push({
      name: `mcp__docs__tool_${i}`,
      description: `Documentation server tool ${i}: ${prose(300)}`,
      parameters: schema([
        ['query', 'string', `What to look up with tool ${i}.`],
        ['limit', 'number', 'How many results to return.'],
        ['cursor', 'string', 'Where the previous page ended.'],
      ]),
    });
  }
  return tools.map((tool) => ({ type: 'function', ...tool, strict: false }));
}

const PATCH_GRAMMAR =
  'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?';
const ENVIRONMENT =
  '<environment_context>\n  <cwd>/home/dev/project</cwd>\n  <approval_policy>on-request</approval_policy>\n  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>restricted</network_access>\n  <shell>bash</shell>\n</environment_context>';

function responsesTools() {
  return [
    ...functionTools(),
    {
      type: 'custom',
      name: 'apply_patch',
      description: 'Edits files with a patch in the apply_patch format.',
      format: { type: 'grammar', syntax: 'lark', definition: PATCH_GRAMMAR },
    },
    { type: 'web_search' },
  ];
}

function chatTools() {
  const tools = functionTools().map(({ name, description, parameters }) => ({
    type: 'function',
    function: { name, description, parameters },
  }));
  const patch = schema([['input', 'string', 'The whole patch, from *** Begin Patch to *** End Patch.']]);
  tools.push({
    type: 'function',
    function: { name: 'apply_patch', description: 'Edits files with a patch.', parameters: patch },
  });
  return tools;
}

/** Pads the instructions so the serialized body is `CODEX_BODY_BYTES` long. */
function sizedTo(build) {
  const without = JSON.stringify(build('')).length;
  return build(prose(Math.max(0, CODEX_BODY_BYTES - without)));
}

export function responsesBody({ prompt = 'Say hello.', codex = false, stream = false } = {}) {
  if (!codex) return { model: MODEL, input: prompt, stream };
  return sizedTo((instructions) => ({
    model: MODEL,
    instructions: `You are a coding agent running in a terminal.\n${instructions}`,
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: ENVIRONMENT }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] },
    ],
    tools: responsesTools(),
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '7d0c1f5e-bench-session-0001',
    store: false,
    stream,
  }));
}

export function chatBody({ prompt = 'Say hello.', codex = false, stream = false } = {}) {
  if (!codex) return { model: MODEL, messages: [{ role: 'user', content: prompt }], stream };
  return sizedTo((instructions) => ({
    model: MODEL,
    messages: [
      { role: 'system', content: `You are a coding agent running in a terminal.\n${instructions}` },
      { role: 'user', content: ENVIRONMENT },
      { role: 'user', content: prompt },
    ],
    tools: chatTools(),
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning_effort: 'medium',
    stream,
  }));
}
