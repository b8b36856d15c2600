// CDK entry point (cdk.json: "npx tsx infra/app.ts"). Example:
//   npx cdk synth -c config=acme/prow-config:plugins.yaml,config.yaml
import { App } from 'aws-cdk-lib';
import { configureSkiffApp } from './skiff-app.js';

configureSkiffApp(new App());
