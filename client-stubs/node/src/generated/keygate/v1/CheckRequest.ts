// Original file: keygate/v1/authorize.proto


export interface CheckRequest {
  'key'?: (string);
  'requiredScopes'?: (string)[];
  'clientAddress'?: (string);
}

export interface CheckRequest__Output {
  'key': (string);
  'requiredScopes': (string)[];
  'clientAddress': (string);
}
