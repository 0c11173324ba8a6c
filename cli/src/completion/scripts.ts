/** The shell side of completion: each asks `flare __complete -- <words…>` for candidates. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell): string {
  switch (shell) {
    case "bash":
      return `# flare completion for bash: eval "$(flare completion bash)" (e.g. in ~/.bashrc)
_flare_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(flare __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _flare_complete flare
`;
    case "zsh":
      return `#compdef flare
# flare completion for zsh: eval "$(flare completion zsh)" (e.g. in ~/.zshrc, after compinit)
_flare() {
  local -a candidates
  candidates=("\${(@f)$(flare __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _flare flare
`;
    case "fish":
      return `# flare completion for fish: flare completion fish > ~/.config/fish/completions/flare.fish
complete -c flare -f -a '(flare __complete -- (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`;
  }
}
