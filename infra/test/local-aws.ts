import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTransport } from "nodemailer";

/**
 * Stand-ins for the AWS APIs no local emulator package serves here, each speaking the wire
 * protocol the SDK client sends (so the functions run their real SDK calls): SES v2 `SendEmail`
 * (REST-JSON) relayed to an SMTP server, Secrets Manager `GetSecretValue` (JSON 1.1), and
 * CloudFormation `DescribeStacks` (query protocol, XML).
 */
export interface LocalAws {
  /** Endpoint variables for the SDK clients (AWS_ENDPOINT_URL_SESV2 ...). */
  endpoints: Record<string, string>;
  /** Raw SendEmail requests received, in order. */
  sent: Array<{ from: string; to: string[]; configurationSet?: string }>;
  close(): Promise<void>;
}

export interface LocalAwsOptions {
  /** Where mail SES would send goes. */
  smtpPort: number;
  /** Secret ARN → its value. */
  secrets: Record<string, string>;
  /** Stack name → its outputs. */
  stacks: Record<string, Record<string, string>>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const sent: LocalAws["sent"] = [];
  const smtp = createTransport({ host: "127.0.0.1", port: options.smtpPort, secure: false, ignoreTLS: true });

  const ses = createServer((request, response) => {
    void (async () => {
      if (request.method !== "POST" || request.url !== "/v2/email/outbound-emails") {
        response.writeHead(404, { "content-type": "application/json" }).end('{"message":"not found"}');
        return;
      }
      const input = JSON.parse(await body(request)) as {
        FromEmailAddress: string;
        Destination?: { ToAddresses?: string[] };
        ConfigurationSetName?: string;
        Content: { Raw: { Data: string } };
      };
      const to = input.Destination?.ToAddresses ?? [];
      sent.push({ from: input.FromEmailAddress, to, configurationSet: input.ConfigurationSetName });
      await smtp.sendMail({
        envelope: { from: input.FromEmailAddress, to },
        raw: Buffer.from(input.Content.Raw.Data, "base64"),
      });
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ MessageId: `local-${sent.length}` }));
    })().catch((error: unknown) => {
      response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: String(error) }));
    });
  });

  const secrets = createServer((request, response) => {
    void body(request).then((text) => {
      const input = JSON.parse(text) as { SecretId: string; VersionStage?: string };
      const value = options.secrets[input.SecretId];
      if (value === undefined || (input.VersionStage ?? "AWSCURRENT") !== "AWSCURRENT") {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.1" }).end(
          JSON.stringify({
            __type: "ResourceNotFoundException",
            message: "Secrets Manager can't find the specified secret.",
          }),
        );
        return;
      }
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(
        JSON.stringify({
          ARN: input.SecretId,
          Name: input.SecretId,
          SecretString: value,
          VersionStages: ["AWSCURRENT"],
        }),
      );
    });
  });

  const cloudFormation = createServer((request, response) => {
    void body(request).then((text) => {
      const query = new URLSearchParams(text);
      const name = query.get("StackName") ?? "";
      const outputs = options.stacks[name];
      if (query.get("Action") !== "DescribeStacks" || !outputs) {
        response
          .writeHead(400, { "content-type": "text/xml" })
          .end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(name)} does not exist</Message></Error><RequestId>local</RequestId></ErrorResponse>`,
          );
        return;
      }
      const members = Object.entries(outputs)
        .map(
          ([key, value]) =>
            `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`,
        )
        .join("");
      response
        .writeHead(200, { "content-type": "text/xml" })
        .end(
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${xml(name)}</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2025-06-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
    });
  });

  const servers = [ses, secrets, cloudFormation];
  const [sesUrl, secretsUrl, cloudFormationUrl] = await Promise.all(servers.map(listen));
  return {
    endpoints: {
      AWS_ENDPOINT_URL_SESV2: sesUrl ?? "",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl ?? "",
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl ?? "",
    },
    sent,
    async close() {
      smtp.close();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
