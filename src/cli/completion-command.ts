// `flowbench completion bash|zsh`: a completion script generated from the command tree, so new commands and flags appear.
import { Argument, type Command, type Option } from 'commander';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

interface Scope {
  name: string;
  description: string;
  options: Option[];
  /** Choices of the first positional argument, or null for a file (suite, folder). */
  argChoices: readonly string[] | null;
  hasArgs: boolean;
}

function scopes(program: Command): { global: Scope; commands: Scope[] } {
  const scope = (c: Command): Scope => {
    const first = c.registeredArguments[0];
    return {
      name: c.name(),
      description: c.description(),
      options: [...c.options, ...(c === program ? [] : [helpOption()])],
      argChoices: first?.argChoices ?? null,
      hasArgs: first !== undefined,
    };
  };
  return { global: scope(program), commands: program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map(scope) };
}

/** Every command has -h/--help even though commander adds it lazily. */
function helpOption(): Option {
  return { long: '--help', short: '-h', description: 'display help for command', required: false, optional: false, argChoices: undefined } as unknown as Option;
}

const takesValue = (o: Option) => o.required || o.optional;
/** Flags whose value is a path get file completion; the others (numbers, URLs, names) get none. */
const takesPath = (o: Option) => takesValue(o) && /file|folder|dir|path|yaml/i.test(`${o.long ?? ''} ${o.description}`);
const flagsOf = (o: Option) => [o.short, o.long].filter((f): f is string => typeof f === 'string');

export function completionScript(program: Command, shell: Shell): string {
  const tree = scopes(program);
  // Subcommands take the global flags too, but not --version / --help, which belong to the program itself.
  tree.global = { ...tree.global, options: tree.global.options.filter((o) => o.long !== '--version' && o.long !== '--help') };
  return shell === 'bash' ? bashScript(program.name(), tree) : zshScript(program.name(), tree);
}

function bashScript(bin: string, { global, commands }: { global: Scope; commands: Scope[] }): string {
  const fn = `_${bin.replace(/\W/g, '_')}`;
  const valueFlags = [...new Set([global, ...commands].flatMap((s) => s.options.filter(takesValue).flatMap(flagsOf)))];
  const pathFlags = [...new Set([global, ...commands].flatMap((s) => s.options.filter(takesPath).flatMap(flagsOf)))];
  const choiceCases = [global, ...commands]
    .flatMap((s) =>
      s.options
        .filter((o) => o.argChoices)
        .map((o) => `      ${flagsOf(o).join('|')}) COMPREPLY=($(compgen -W "${o.argChoices!.join(' ')}" -- "$cur")); return ;;`),
    )
    .join('\n');
  const commandCases = commands
    .map((c) => {
      const flags = [...c.options, ...global.options].flatMap(flagsOf).join(' ');
      const args = c.argChoices ? `COMPREPLY=($(compgen -W "${c.argChoices.join(' ')}" -- "$cur"))` : c.hasArgs ? `${fn}_files` : 'COMPREPLY=()';
      return `    ${c.name})\n      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${flags}" -- "$cur")); else ${args}; fi ;;`;
    })
    .join('\n');
  return `# ${bin} completion for bash. Load it now:  source <(${bin} completion bash)
# or for every shell:  ${bin} completion bash > ~/.local/share/bash-completion/completions/${bin}
# File names, marked as such so readline quotes them and adds / to folders.
${fn}_files() {
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}
${fn}() {
  local cur prev cmd i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd=""
  # The command is the first word that is neither a flag nor a flag's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${valueFlags.join('|')}) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ $COMP_CWORD -gt 1 ]]; then
    case "$prev" in
${choiceCases}
      ${pathFlags.join('|')}) ${fn}_files; return ;;
      ${valueFlags.join('|')}) COMPREPLY=(); return ;;
    esac
  fi
  case "$cmd" in
    "") COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} ${global.options.flatMap(flagsOf).join(' ')} -V --version -h --help" -- "$cur")) ;;
${commandCases}
  esac
}
complete -F ${fn} ${bin}
`;
}

/** zsh `_arguments` spec text: brackets and colons would end the description early. */
const zdesc = (s: string) => s.replace(/[[\]]/g, (m) => (m === '[' ? '(' : ')')).replace(/'/g, "'\\''");

function zshOption(o: Option): string {
  const value = takesValue(o) ? (o.argChoices ? `:value:(${o.argChoices.join(' ')})` : takesPath(o) ? ':file:_files' : ':value: ') : '';
  const flags = flagsOf(o);
  if (flags.length === 1) return `'${flags[0]}[${zdesc(o.description)}]${value}'`;
  return `'(${flags.join(' ')})'{${flags.join(',')}}'[${zdesc(o.description)}]${value}'`;
}

function zshScript(bin: string, { global, commands }: { global: Scope; commands: Scope[] }): string {
  const fn = `_${bin.replace(/\W/g, '_')}`;
  const list = commands.map((c) => `    '${c.name}:${zdesc(c.description)}'`).join('\n');
  const cases = commands
    .map((c) => {
      const arg = c.argChoices ? `'1:${c.name} argument:(${c.argChoices.join(' ')})'` : c.hasArgs ? `'1:file:_files'` : '';
      return `        ${c.name}) _arguments ${[...c.options, ...global.options].map(zshOption).join(' ')} ${arg} ;;`;
    })
    .join('\n');
  return `#compdef ${bin}
# ${bin} completion for zsh. Load it now:  source <(${bin} completion zsh)
# or for every shell: ${bin} completion zsh > "\${fpath[1]}/_${bin}"  (then restart zsh)
compdef ${fn} ${bin}
${fn}() {
  local -a commands
  commands=(
${list}
  )
  local curcontext="$curcontext" state line
  _arguments -C ${global.options.map(zshOption).join(' ')} '(- *)'{-V,--version}'[output the version number]' '(- *)'{-h,--help}'[display help]' '1: :->command' '*:: :->args'
  case $state in
    command) _describe -t commands '${bin} command' commands ;;
    args)
      case $words[1] in
${cases}
      esac ;;
  esac
}
# Run the function when zsh autoloads this file as a completion; do nothing more when it is sourced.
if [ "$funcstack[1]" = "${fn}" ]; then ${fn} "$@"; fi
`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS))
    .addHelpText(
      'after',
      `\nExamples:\n  flowbench completion bash > ~/.local/share/bash-completion/completions/flowbench   # every bash\n  flowbench completion zsh > "\${fpath[1]}/_flowbench"   # every zsh (then restart it)\n  source <(flowbench completion bash)   # this shell only`,
    )
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
