import { Command } from 'commander';
import { apiKeyOption, projectOption, serverUrlOption } from '../server-client.js';
import { VERSION } from '../version.js';

/** `sightline mcp`: a Model Context Protocol server over stdio, answering from a running Sightline. */
export function mcpCommand(): Command {
  return new Command('mcp')
    .description(
      'A Model Context Protocol server over stdio for coding agents: traces, calls, sessions, errors and stats of a running Sightline',
    )
    .addOption(serverUrlOption())
    .addOption(apiKeyOption())
    .addOption(projectOption())
    .addHelpText(
      'after',
      `
Tools: list_traces, get_trace, list_llm_calls, get_llm_call, llm_stats, recent_errors, get_session
(all read-only). Add it to an agent, e.g. for Claude Code:
  claude mcp add sightline -- npx sightline mcp --url http://127.0.0.1:4800`,
    )
    .action(async (o: { url: string }) => {
      // Loaded here: the SDK takes a while, and no other command needs it.
      const [{ McpServer }, { StdioServerTransport }, { registerTools }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/mcp.js'),
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('./mcp-tools.js'),
      ]);
      const server = new McpServer({ name: 'sightline', version: VERSION });
      registerTools(server, o.url);
      await server.connect(new StdioServerTransport());
    });
}
