/**
 * A kubeconfig whose user signs in through a plugin (`exec`, as `aws eks update-kubeconfig`
 * writes, or `auth-provider`): client-node's KubeConfig runs it, and gives the Authorization
 * header (and a client certificate, when the plugin returns one). Loaded only for these users: it
 * compiles client-node's generated models (about 0.2 s).
 */
import { KubeConfig } from '@kubernetes/client-node';

type HttpsOptions = { headers?: Record<string, string>; cert?: Buffer | string; key?: Buffer | string };

export interface PluginCredentials {
  authorization(): Promise<Record<string, string>>;
  cert?: Buffer | string;
  key?: Buffer | string;
}

export async function pluginCredentials(source: { file?: string; text: string }): Promise<PluginCredentials> {
  const kc = new KubeConfig();
  if (source.file) kc.loadFromFile(source.file);
  else kc.loadFromString(source.text);
  const ask = async (): Promise<HttpsOptions> => {
    const options: HttpsOptions = { headers: {} };
    await kc.applyToHTTPSOptions(options as never);
    return options;
  };
  const first = await ask();
  return {
    cert: first.cert,
    key: first.key,
    async authorization(): Promise<Record<string, string>> {
      const headers = (await ask()).headers ?? {};
      const value = headers.Authorization ?? headers.authorization;
      return value ? { authorization: String(value) } : {};
    },
  };
}
