import type * as vscode from 'vscode';

/** SecretStorage keys of the remote stores' credentials (never settings, never logged). */
export const REMOTE_SECRET = {
  qdrantApiKey: 'cvprd.qdrant.apiKey',
  falkordbPassword: 'cvprd.falkordb.password',
} as const;

export const REMOTE_SECRET_KEYS = Object.values(REMOTE_SECRET);

export interface RemoteSecrets {
  qdrantApiKey?: string;
  falkordbPassword?: string;
}

export async function readRemoteSecrets(secrets: vscode.SecretStorage): Promise<RemoteSecrets> {
  const [qdrantApiKey, falkordbPassword] = await Promise.all([secrets.get(REMOTE_SECRET.qdrantApiKey), secrets.get(REMOTE_SECRET.falkordbPassword)]);
  return { qdrantApiKey: qdrantApiKey || undefined, falkordbPassword: falkordbPassword || undefined };
}
