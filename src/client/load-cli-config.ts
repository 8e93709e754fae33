// The config as the CLI's commands load it: validated, with each warning (a literal secret in
// the file) printed once on stderr so it is seen without stopping the command.
import { loadConfig, type LoadedConfig } from '../config/load.js';

export async function loadCliConfig(path: string): Promise<LoadedConfig> {
  const loaded = await loadConfig(path);
  for (const warning of loaded.warnings) console.error(`vigil: warning: ${warning}`);
  return loaded;
}
