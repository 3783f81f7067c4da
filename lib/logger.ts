// One structured JSON logger per container (Powertools). What may be logged: masked phones, ids,
// error codes. What may never be: passwords, codes, captcha/refresh/access tokens, request bodies.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'koodrive-signup' });
