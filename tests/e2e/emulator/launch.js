#!/usr/bin/env node
/*
 * A local Telegram Bot API server for end-to-end tests: telegram-test-api 4.2.1,
 * used as a library, adapted so that python-telegram-bot 22 can run against it.
 *
 * Usage: node launch.js --port 8081 [--host 127.0.0.1]
 * Prints "READY <port>" on stdout once it listens; stops on SIGTERM/SIGINT.
 *
 * What the published package gets wrong for PTB 22, and what this file does:
 *   - getMe lacks `is_bot`                          -> full User object
 *   - message `date` is in milliseconds              -> seconds everywhere
 *   - editMessageText/ReplyMarkup return null        -> the edited Message
 *   - callback queries lack `chat_instance`          -> added; message filled from storage
 *   - unknown methods answer HTTP 500 (PTB: network) -> sendDocument, setMyCommands,
 *     getMyCommands, deleteMyCommands, getWebhookInfo, sendChatAction implemented;
 *     anything else is a 400 Bad Request naming the method
 *   - getUpdates ignores `timeout` and `offset`      -> long polling with confirmation
 *   - a failed webhook POST crashes the process      -> retried, then kept for getUpdates;
 *     the webhook gets the X-Telegram-Bot-Api-Secret-Token header it was set with
 *   - client routes do not await the update          -> awaited, errors answered as JSON
 *
 * Test-only routes (not in the Bot API), for the Python driver:
 *   POST /_test/fault {method, status, description, retry_after, count}: the next
 *        `count` calls of `method` fail that way (e.g. 429 flood control).
 *   POST /_test/callbackAnswers {token}: answerCallbackQuery calls received.
 *   POST /_test/commands {token, chat_id?, language_code?}: the commands set with
 *        setMyCommands (scope and language).
 *   POST /_test/chatActions {token}: sendChatAction calls received (« typing… »), with
 *        their time (ms).
 *   POST /_test/file {file_id, content (base64)}: a file a user is about to send, served
 *        by getFile and GET /file/bot<token>/documents/<file_id> (downloads).
 *
 * A user message carrying `edit_date` is delivered as an `edited_message` update.
 */
'use strict';

// express is telegram-test-api's own dependency, pinned through package-lock.json.
const express = require('express');
const axios = require('axios');
const TelegramServer = require('telegram-test-api');

const BOT_USER = {
  id: 666,
  is_bot: true,
  first_name: 'CUF Test Bot',
  username: 'TestNameBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

function parseArgs(argv) {
  const options = { port: 8081, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--port') options.port = Number(value);
    else if (argv[i] === '--host') options.host = value;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return options;
}

function seconds(date) {
  const value = Number(date || Date.now());
  return value > 1e11 ? Math.floor(value / 1000) : value;
}

function parseJsonField(value) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (_error) {
    return value;
  }
}

function withoutToken(message) {
  const { botToken, ...rest } = message;
  return rest;
}

/* A minimal multipart/form-data parser (PTB uploads files this way). */
function parseMultipart(buffer, contentType) {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!match) return { fields: {}, files: {} };
  const boundary = Buffer.from(`--${match[1] || match[2]}`);
  const fields = {};
  const files = {};
  let start = buffer.indexOf(boundary);
  while (start !== -1) {
    const next = buffer.indexOf(boundary, start + boundary.length);
    if (next === -1) break;
    const part = buffer.subarray(start + boundary.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const body = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headers);
      const filename = /filename="([^"]*)"/i.exec(headers);
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers);
      if (name && filename) {
        files[name[1]] = {
          filename: filename[1],
          mimeType: type ? type[1].trim() : 'application/octet-stream',
          content: body,
        };
      } else if (name) {
        fields[name[1]] = body.toString('utf8');
      }
    }
    start = next;
  }
  return { fields, files };
}

function buildEmulator({ port, host }) {
  const server = new TelegramServer({ port, host, storeTimeout: 24 * 3600 });
  const inner = server.webServer;
  const app = express();
  const faults = {};
  const callbackAnswers = [];
  const commands = {};
  const chatActions = [];
  const files = {};
  const waiters = new Set();

  const notify = () => {
    for (const wake of waiters) wake();
    waiters.clear();
  };
  server.on('AddedUserMessage', notify);
  server.on('AddedUserCommand', notify);
  server.on('AddedUserCallbackQuery', notify);

  const storedBotMessage = (chatId, messageId) => server.storage.botMessages.find(
    (u) => String(u.messageId) === String(messageId)
      && String(u.message.chat_id) === String(chatId),
  );

  const botMessageObject = (stored, chat) => {
    const { message } = stored;
    const result = {
      ...withoutToken(message),
      message_id: stored.messageId,
      date: seconds(stored.time),
      from: BOT_USER,
      chat: chat || { id: Number(message.chat_id), type: 'private', first_name: 'User' },
    };
    delete result.chat_id;
    if (!(result.reply_markup && result.reply_markup.inline_keyboard)) delete result.reply_markup;
    return result;
  };

  const formatUpdate = (update) => {
    if ('callbackQuery' in update) {
      const query = update.callbackQuery;
      const raw = query.message || {};
      const chat = raw.chat || { id: Number(raw.chat_id), type: 'private', first_name: 'User' };
      const stored = storedBotMessage(chat.id, raw.message_id);
      const message = stored
        ? botMessageObject(stored, chat)
        : { ...withoutToken(raw), date: seconds(raw.date), chat };
      return {
        update_id: update.updateId,
        callback_query: {
          id: String(update.callbackId),
          from: query.from,
          message,
          chat_instance: query.chat_instance || `instance-${chat.id}`,
          data: query.data,
        },
      };
    }
    const message = withoutToken(update.message);
    const kind = message.edit_date ? 'edited_message' : 'message';
    const messageId = message.edit_date && message.message_id ? message.message_id : update.messageId;
    return {
      update_id: update.updateId,
      [kind]: { ...message, message_id: messageId, date: seconds(message.date) },
    };
  };

  // Webhook delivery: the secret header, retries, and never a crash.
  server.addUserUpdate = async function addUserUpdate(update) {
    if (!update.botToken) throw new Error('The update must contain a `botToken` field.');
    this.updateId++;
    const webhook = this.webhooks[update.botToken];
    if (webhook) {
      const headers = {};
      if (webhook.secret_token) headers['X-Telegram-Bot-Api-Secret-Token'] = webhook.secret_token;
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await axios({ url: webhook.url, method: 'POST', data: formatUpdate(update), headers });
          return;
        } catch (error) {
          process.stderr.write(`webhook delivery failed (attempt ${attempt + 1}): ${error.message}\n`);
          await new Promise((resolve) => { setTimeout(resolve, 200 * 2 ** attempt); });
        }
      }
    }
    this.storage.userMessages.push(update);
  };
  const pendingUpdates = (token, offset, limit) => {
    const result = [];
    for (const update of server.storage.userMessages) {
      if (update.botToken !== token) continue;
      if (offset && update.updateId < offset) update.isRead = true;
      if (!update.isRead && result.length < limit) result.push(update);
    }
    return result.map(formatUpdate);
  };

  app.use(express.json({ limit: '20mb' }));
  app.use(express.urlencoded({ extended: true, limit: '20mb' }));
  app.use(express.raw({ type: 'multipart/form-data', limit: '20mb' }));

  // --- test-only routes -------------------------------------------------------
  app.post('/_test/fault', (req, res) => {
    const { method, count = 1 } = req.body;
    faults[method] = { ...req.body, remaining: Number(count) };
    res.json({ ok: true, result: true });
  });
  app.post('/_test/callbackAnswers', (req, res) => {
    res.json({ ok: true, result: callbackAnswers.filter((a) => a.token === req.body.token) });
  });
  app.post('/_test/commands', (req, res) => {
    let key = req.body.chat_id
      ? `${req.body.token} chat:${req.body.chat_id}`
      : req.body.token;
    if (req.body.language_code) key += ` lang:${req.body.language_code}`;
    res.json({ ok: true, result: commands[key] || [] });
  });
  app.post('/_test/file', (req, res) => {
    files[req.body.file_id] = Buffer.from(String(req.body.content || ''), 'base64');
    res.json({ ok: true, result: true });
  });
  app.post('/_test/chatActions', (req, res) => {
    res.json({ ok: true, result: chatActions.filter((a) => a.token === req.body.token) });
  });

  // --- client routes (the user's side), awaited and answered as JSON --------------
  const clientRoute = (path, add) => {
    app.post(path, async (req, res) => {
      try {
        await add(req.body);
        res.json({ ok: true, result: true });
      } catch (error) {
        res.status(400).json({ ok: false, description: String(error.message || error) });
      }
    });
  };
  clientRoute('/sendMessage', (body) => server.addUserMessage(body));
  clientRoute('/sendCommand', (body) => server.addUserCommand(body));
  clientRoute('/sendCallback', (body) => server.addUserCallback(body));

  // --- Bot API routes -----------------------------------------------------------
  const bot = express.Router({ mergeParams: true });
  bot.use('/:method', (req, res, next) => {
    const fault = faults[req.params.method];
    if (fault && fault.remaining > 0) {
      fault.remaining--;
      if (fault.status === 'disconnect') {
        req.socket.destroy();
        return;
      }
      const status = Number(fault.status || 500);
      const body = {
        ok: false,
        error_code: status,
        description: fault.description || `Fault injected for ${req.params.method}`,
      };
      if (fault.retry_after) body.parameters = { retry_after: Number(fault.retry_after) };
      res.status(status).json(body);
      return;
    }
    if (Buffer.isBuffer(req.body)) {
      const { fields, files } = parseMultipart(req.body, req.headers['content-type']);
      req.body = fields;
      req.files = files;
    }
    req.body = { ...req.query, ...(req.body || {}) };
    next();
  });
  const ok = (res, result) => res.json({ ok: true, result });
  const badRequest = (res, description) => res.status(400).json({
    ok: false, error_code: 400, description: `Bad Request: ${description}`,
  });

  bot.all('/getMe', (_req, res) => ok(res, BOT_USER));
  bot.all('/getUpdates', async (req, res) => {
    const token = req.params.token;
    const offset = Number(req.body.offset || 0);
    const limit = Number(req.body.limit || 100);
    const deadline = Date.now() + Math.min(Number(req.body.timeout || 0), 50) * 1000;
    let updates = pendingUpdates(token, offset, limit);
    while (updates.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        waiters.add(() => { clearTimeout(timer); resolve(); });
      });
      updates = pendingUpdates(token, offset, limit);
    }
    ok(res, updates);
  });
  bot.all('/sendMessage', (req, res) => {
    const body = { ...req.body };
    if (!body.chat_id) return badRequest(res, 'chat_id is empty');
    if (!body.text) return badRequest(res, 'message text is empty');
    if (String(body.text).length > 4096) return badRequest(res, 'message is too long');
    const sent = server.addBotMessage(body, req.params.token);
    const stored = storedBotMessage(body.chat_id, sent.message_id);
    return ok(res, botMessageObject(stored));
  });
  bot.all('/sendDocument', (req, res) => {
    const file = req.files && req.files.document;
    if (!req.body.chat_id) return badRequest(res, 'chat_id is empty');
    if (!file) return badRequest(res, 'there is no document in the request');
    const body = {
      ...req.body,
      document: {
        file_id: `file-${server.messageId}`,
        file_unique_id: `unique-${server.messageId}`,
        file_name: file.filename,
        mime_type: file.mimeType,
        file_size: file.content.length,
      },
      document_content: file.content.toString('base64'),
    };
    const sent = server.addBotMessage(body, req.params.token);
    const result = botMessageObject(storedBotMessage(body.chat_id, sent.message_id));
    delete result.document_content;
    return ok(res, result);
  });
  const edit = (apply) => (req, res) => {
    const body = TelegramServer.normalizeMessage({ ...req.body });
    const stored = storedBotMessage(body.chat_id, body.message_id);
    if (!stored) return badRequest(res, 'message to edit not found');
    const before = JSON.stringify([stored.message.text, stored.message.reply_markup]);
    apply(body);
    const after = JSON.stringify([stored.message.text, stored.message.reply_markup]);
    if (before === after) {
      return badRequest(res, 'message is not modified: specified new message content and '
        + 'reply markup are exactly the same as a current content and reply markup of the message');
    }
    stored.isRead = false;
    stored.edited = true;
    return ok(res, botMessageObject(stored));
  };
  bot.all('/editMessageText', edit((body) => {
    server.editMessageText(body);
    const stored = storedBotMessage(body.chat_id, body.message_id);
    if (!('reply_markup' in body)) delete stored.message.reply_markup;
  }));
  bot.all('/editMessageReplyMarkup', edit((body) => {
    const stored = storedBotMessage(body.chat_id, body.message_id);
    stored.message = { ...stored.message, reply_markup: body.reply_markup };
  }));
  bot.all('/answerCallbackQuery', (req, res) => {
    callbackAnswers.push({ token: req.params.token, ...req.body });
    ok(res, true);
  });
  // Commands are kept per scope (the default scope is the key without suffix).
  const commandsKey = (req) => {
    const scope = parseJsonField(req.body.scope);
    const key = scope && scope.type !== 'default'
      ? `${req.params.token} ${scope.type}:${scope.chat_id || ''}` : req.params.token;
    return req.body.language_code ? `${key} lang:${req.body.language_code}` : key;
  };
  bot.all('/setMyCommands', (req, res) => {
    commands[commandsKey(req)] = parseJsonField(req.body.commands) || [];
    ok(res, true);
  });
  bot.all('/getMyCommands', (req, res) => ok(res, commands[commandsKey(req)] || []));
  bot.all('/deleteMyCommands', (req, res) => {
    delete commands[commandsKey(req)];
    ok(res, true);
  });
  bot.all('/sendChatAction', (req, res) => {
    chatActions.push({
      token: req.params.token, chat_id: req.body.chat_id, action: req.body.action, at: Date.now(),
    });
    ok(res, true);
  });
  bot.all('/getFile', (req, res) => {
    const content = files[req.body.file_id];
    if (!content) return badRequest(res, 'invalid file_id');
    return ok(res, {
      file_id: req.body.file_id,
      file_unique_id: `unique-${req.body.file_id}`,
      file_size: content.length,
      file_path: `documents/${req.body.file_id}`,
    });
  });
  bot.all('/setWebhook', (req, res) => {
    if (!req.body.url) return badRequest(res, 'webhook url is empty');
    server.setWebhook(req.body, req.params.token);
    return ok(res, true);
  });
  bot.all('/deleteWebhook', (req, res) => {
    server.deleteWebhook(req.params.token);
    ok(res, true);
  });
  bot.all('/getWebhookInfo', (req, res) => {
    const webhook = server.webhooks[req.params.token];
    const pending = server.storage.userMessages.filter(
      (u) => u.botToken === req.params.token && !u.isRead,
    ).length;
    ok(res, { url: webhook ? webhook.url : '', has_custom_certificate: false, pending_update_count: pending });
  });
  bot.all('/close', (_req, res) => ok(res, true));
  bot.all('/logOut', (_req, res) => ok(res, true));
  app.use('/bot:token', bot);
  app.get(/^\/file\/bot[^/]+\/documents\/([^/]+)$/, (req, res) => {
    const content = files[decodeURIComponent(req.params[0])];
    if (!content) return res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
    return res.type('application/octet-stream').send(content);
  });
  // deleteMessage and the client history routes stay the package's own.
  app.use((req, res, next) => {
    if (/^\/bot[^/]+\/deleteMessage$/.test(req.path)) return inner(req, res, next);
    if (req.path === '/getUpdates' || req.path === '/getUpdatesHistory') return inner(req, res, next);
    const method = /^\/bot[^/]+\/([^/]+)$/.exec(req.path);
    if (method) return badRequest(res, `method ${method[1]} is not supported by the emulator`);
    return res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
  });
  app.settings.env = inner.settings.env;
  server.webServer = app;
  return server;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const server = buildEmulator(options);
  await server.start();
  process.stdout.write(`READY ${options.port}\n`);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`emulator failed to start: ${error.stack || error}\n`);
    process.exit(1);
  });
}

module.exports = { buildEmulator };
