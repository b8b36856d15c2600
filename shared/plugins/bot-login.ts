// Whether a login is the bot's, as Prow's BotUserChecker decides it: GitHub Apps comment as
// `<slug>[bot]`, and a bot login may be configured with or without that suffix.

/** GitHub Apps comment as `<slug>[bot]`; Prow's BotUserChecker drops that suffix before comparing. */
const withoutBotSuffix = (login: string) => login.toLowerCase().replace(/\[bot\]$/, '');

/**
 * Whether `login` is the bot. Prow compares exactly; GitHub logins are case-insensitive, so this
 * does not. Without a known bot login, nobody is the bot.
 */
export function isBotLogin(botLogin: string | undefined, login: string): boolean {
  return botLogin !== undefined && botLogin !== '' && withoutBotSuffix(login) === withoutBotSuffix(botLogin);
}
