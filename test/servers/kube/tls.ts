/**
 * Throwaway certificate authorities and the certificates they sign (serving, client; the emulator's
 * and the real control plane's), built in process (P-256 keys from node:crypto, X.509 DER written
 * here) so strict mode costs milliseconds
 * and needs neither openssl nor an npm package.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octetString = (content: Buffer) => tlv(0x04, content);
const bitString = (content: Buffer, unusedBits = 0) => tlv(0x03, Buffer.from([unusedBits]), content);
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const part of rest) {
    const chunk: number[] = [];
    for (let v = part; ; v = Math.floor(v / 128)) {
      chunk.unshift((v % 128) | (chunk.length ? 0x80 : 0));
      if (v < 128) break;
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

/** A distinguished name: CN, plus O for each organization (Kubernetes reads O as the user's groups). */
function name(commonName: string, organizations: string[] = []): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8(value)));
  return sequence(...organizations.map((org) => rdn('2.5.4.10', org)), rdn('2.5.4.3', commonName));
}

function ipBytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

interface CertificateRequest {
  subject: string;
  organizations?: string[];
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  isCA: boolean;
  /** serverAuth, clientAuth or both (leaf certificates only). */
  usages?: Array<'server' | 'client'>;
  ips?: string[];
  dnsNames?: string[];
}

const EXTENDED_KEY_USAGE = { server: '1.3.6.1.5.5.7.3.1', client: '1.3.6.1.5.5.7.3.2' };

function certificate(request: CertificateRequest): string {
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive INTEGER
  serial[0] |= 0x01;
  const now = Date.now();
  const altNames = [...(request.ips ?? []).map((ip) => tlv(0x87, ipBytes(ip))), ...(request.dnsNames ?? []).map((dns) => tlv(0x82, Buffer.from(dns)))];
  const extensions = request.isCA
    ? [
        extension('2.5.29.19', true, sequence(boolean(true))), // basicConstraints CA:TRUE
        extension('2.5.29.15', true, bitString(Buffer.from([0x06]), 1)), // keyUsage keyCertSign, cRLSign
      ]
    : [
        extension('2.5.29.19', true, sequence()),
        extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)), // keyUsage digitalSignature
        extension('2.5.29.37', false, sequence(...(request.usages ?? ['server']).map((usage) => oid(EXTENDED_KEY_USAGE[usage])))),
        ...(altNames.length ? [extension('2.5.29.17', false, sequence(...altNames))] : []), // subjectAltName
      ];
  const tbs = sequence(
    explicit(0, tlv(0x02, Buffer.from([2]))), // version 3
    tlv(0x02, serial),
    ECDSA_WITH_SHA256,
    name(request.issuer),
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 365 * 86_400_000))),
    name(request.subject, request.organizations),
    request.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, request.signingKey);
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export interface CertificateAuthority {
  name: string;
  /** PEM. */
  cert: string;
  privateKey: KeyObject;
}

export interface IssuedCertificate {
  /** PEM of the certificate and of its PKCS#8 key. */
  cert: string;
  key: string;
}

export function createCertificateAuthority(name: string): CertificateAuthority {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { name, privateKey, cert: certificate({ subject: name, issuer: name, publicKey, signingKey: privateKey, isCA: true }) };
}

export interface LeafRequest {
  commonName: string;
  /** Subject O values: Kubernetes takes them as the groups of a client certificate's user. */
  organizations?: string[];
  usages: Array<'server' | 'client'>;
  ips?: string[];
  dnsNames?: string[];
}

export function issueCertificate(ca: CertificateAuthority, leaf: LeafRequest): IssuedCertificate {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const cert = certificate({
    subject: leaf.commonName,
    organizations: leaf.organizations,
    issuer: ca.name,
    publicKey: createPublicKey(privateKey),
    signingKey: ca.privateKey,
    isCA: false,
    usages: leaf.usages,
    ips: leaf.ips,
    dnsNames: leaf.dnsNames,
  });
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export interface ServingCertificates {
  /** PEM of the CA that signed the serving certificate: what the kubeconfig trusts. */
  caCert: string;
  cert: string;
  key: string;
}

export function generateServingCertificates(): ServingCertificates {
  const ca = createCertificateAuthority('kube-emulator-ca');
  const server = issueCertificate(ca, { commonName: 'kube-apiserver', usages: ['server'], ips: ['127.0.0.1'], dnsNames: ['localhost', 'kube.test'] }); // kube.test: reached through the local proxy
  return { caCert: ca.cert, ...server };
}
