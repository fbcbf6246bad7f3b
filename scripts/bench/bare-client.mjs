// The planFleet baseline: the same GETs as `hscc plan`, from a bare
// node:http client with a keep-alive agent, `parallelism` at a time, each
// body read and parsed as JSON, nothing else. Run as its own process and
// timed from spawn to exit like hscc, it shows what this machine and the
// emulator allow any client. Prints {"requests", "failed"}.
//
// usage: node bare-client.mjs BASE_URL API_KEY PARALLELISM PATH…(from stdin, one per line)
import { Agent, request } from 'node:http';
import { text } from 'node:stream/consumers';

const [base, apiKey, parallelismText] = process.argv.slice(2);
const paths = (await text(process.stdin)).split('\n').filter((line) => line !== '');
const agent = new Agent({ keepAlive: true });

const get = (path) =>
  new Promise((resolve) => {
    const url = new URL(`${path}?hapikey=${encodeURIComponent(apiKey)}`, base);
    const req = request(url, { agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve(res.statusCode === 200);
        } catch {
          resolve(false);
        }
      });
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end();
  });

let next = 0;
let failed = 0;
const worker = async () => {
  while (next < paths.length) if (!(await get(paths[next++]))) failed += 1;
};
await Promise.all(Array.from({ length: Number(parallelismText) }, worker));
agent.destroy();
console.log(JSON.stringify({ requests: paths.length, failed }));
